import type { CallClient, CallClientSnapshot } from '@peerlink/sdk/calls';
import type { AppStore } from '../app/store.js';

interface Props {
  store: AppStore;
  calls: CallClient;
  snapshot: CallClientSnapshot;
}

export function IncomingCall({ store, calls, snapshot }: Props) {
  const { call } = snapshot;
  const caller = call.callerId === null ? 'Someone' : store.nameOf(call.callerId);
  const chat = store.getState().chats.find((c) => c.id === call.chatId);
  const group = call.flow === 'room';
  return (
    <div className="overlay incoming" role="alertdialog" aria-label="Incoming call" data-testid="incoming-call">
      <div className="card ring-card">
        <div className="avatar huge pulse">{caller.slice(0, 1).toUpperCase()}</div>
        <h2 data-testid="caller-name">{caller}</h2>
        <p className="muted">
          {group ? `Group call${chat?.title ? ` in ${chat.title}` : ''}` : call.kind === 'video' ? 'Video call' : 'Audio call'}
        </p>
        <div className="ring-actions">
          <button className="round danger" onClick={() => calls.reject()} data-testid="reject">
            Decline
          </button>
          <button className="round accept" onClick={() => void calls.accept()} data-testid="accept">
            {group ? 'Join' : 'Accept'}
          </button>
        </div>
      </div>
    </div>
  );
}
