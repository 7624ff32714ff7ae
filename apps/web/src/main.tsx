import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { AppStore } from './app/store.js';
import { installDebugHook } from './app/debug.js';
import './styles.css';

const store = new AppStore();
installDebugHook(store);
void store.restore();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
