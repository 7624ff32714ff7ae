import { useState, type FormEvent } from 'react';
import type { AppStore } from '../app/store.js';

export function LoginScreen({ store, error }: { store: AppStore; error: string | null }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    await (mode === 'login' ? store.login(username, password) : store.register(username, password));
    setBusy(false);
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)} aria-label={mode === 'login' ? 'Sign in' : 'Create account'}>
        <h1 className="brand">peerlink</h1>
        <p className="muted">Video calls that go straight from peer to peer.</p>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'login'} onClick={() => setMode('login')}>
            Sign in
          </button>
          <button type="button" role="tab" aria-selected={mode === 'register'} onClick={() => setMode('register')}>
            Create account
          </button>
        </div>
        <label>
          Username
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
      </form>
    </main>
  );
}
