import { isLive, type CallClient, type CallClientSnapshot, type CallHistoryEntry, type ChatSummary } from '@peerlink/sdk/calls';
import type { AppStore, Session } from '../app/store.js';
import { chatName } from '../components/ChatList.js';
import { CallHistory } from '../components/CallHistory.js';

interface Props {
  store: AppStore;
  chat: ChatSummary;
  session: Session;
  history: readonly CallHistoryEntry[] | null;
  calls: CallClient;
  snapshot: CallClientSnapshot;
}

/** Most chats are 1:1; group calls (mesh) are limited to this many participants. */
const MAX_CALL_PARTICIPANTS = 4;

export function ChatView({ store, chat, session, history, calls, snapshot }: Props) {
  const target = { chatId: chat.id, memberIds: chat.members.map((m) => m.id) };
  const busy = isLive(snapshot.call.phase);
  const tooBig = chat.members.length > MAX_CALL_PARTICIPANTS;

  return (
    <section className="chat-view">
      <header className="chat-header">
        <div>
          <h2 data-testid="chat-title">{chatName(chat, session.user.id)}</h2>
          <p className="muted small">{chat.members.map((m) => m.username ?? m.id).join(' · ')}</p>
        </div>
        <div className="actions">
          <button
            className="primary"
            disabled={busy || tooBig}
            onClick={() => void calls.startCall(target, 'video')}
            title={tooBig ? `Group calls take at most ${MAX_CALL_PARTICIPANTS} people` : 'Start a video call'}
          >
            Video call
          </button>
          <button disabled={busy || tooBig} onClick={() => void calls.startCall(target, 'audio')} title="Start an audio-only call">
            Audio call
          </button>
        </div>
      </header>
      <CallHistory history={history} selfId={session.user.id} nameOf={(id) => store.nameOf(id)} />
    </section>
  );
}
