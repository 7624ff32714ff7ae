import type { CallHistoryEntry } from '@peerlink/sdk/calls';
import { directionOf, formatDuration, formatWhen, statusLabel } from '../app/messages.js';

interface Props {
  history: readonly CallHistoryEntry[] | null;
  selfId: string;
  nameOf: (userId: string) => string;
}

export function CallHistory({ history, selfId, nameOf }: Props) {
  return (
    <section className="history" aria-label="Call history">
      <h3>Call history</h3>
      {history === null && <p className="muted">Loading…</p>}
      {history !== null && history.length === 0 && <p className="muted">No calls yet.</p>}
      <ul>
        {history?.map((call) => {
          const direction = directionOf(call, selfId);
          const others = call.participants.map((p) => p.userId).filter((id) => id !== selfId);
          return (
            <li key={call.id} className="history-item" data-testid="history-item" data-status={call.status} data-direction={direction}>
              <span className={`status-icon ${call.status}`} aria-hidden>
                {direction === 'outgoing' ? '↗' : '↙'}
              </span>
              <div className="history-main">
                <div>
                  <strong className={`status ${call.status}`} data-testid="history-status">
                    {statusLabel(call.status)}
                  </strong>{' '}
                  <span className="muted">{direction === 'outgoing' ? 'outgoing' : 'incoming'}</span>
                </div>
                <div className="muted small" data-testid="history-participants">
                  with {others.map(nameOf).join(', ') || '—'}
                </div>
              </div>
              <div className="history-meta">
                <span data-testid="history-duration" data-seconds={call.durationSeconds ?? 0}>
                  {call.durationSeconds !== null && call.durationSeconds > 0 ? formatDuration(call.durationSeconds) : ''}
                </span>
                <span className="muted small">{formatWhen(call.createdAt)}</span>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
