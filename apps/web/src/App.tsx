import type { AppStore } from './app/store.js';
import { useAppState } from './app/hooks.js';
import { LoginScreen } from './screens/LoginScreen.js';
import { HomeScreen } from './screens/HomeScreen.js';

export function App({ store }: { store: AppStore }) {
  const state = useAppState(store);
  if (state.restoring) return <div className="splash">peerlink</div>;
  if (state.session === null || store.calls === null) return <LoginScreen store={store} error={state.error} />;
  return <HomeScreen store={store} state={state} session={state.session} calls={store.calls} />;
}
