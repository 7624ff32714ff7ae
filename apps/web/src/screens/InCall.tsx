import { elapsedSeconds, type CallClient, type CallClientSnapshot } from '@peerlink/sdk/calls';
import { useNow } from '../app/hooks.js';
import type { AppStore } from '../app/store.js';
import { formatDuration, pathLabel, qualityLabel } from '../app/messages.js';
import { VideoTile } from '../components/VideoTile.js';

interface Props {
  store: AppStore;
  calls: CallClient;
  snapshot: CallClientSnapshot;
}

function linkLabel(link: string): string | null {
  switch (link) {
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'failed':
      return 'Connection lost';
    default:
      return null;
  }
}

export function InCall({ store, calls, snapshot }: Props) {
  const now = useNow();
  const { call, participants, badge } = snapshot;
  const video = call.kind === 'video';
  const others = participants.map((p) => store.nameOf(p.userId));
  const status =
    call.phase === 'outgoing-ringing'
      ? `Calling ${call.flow === 'direct' ? others.join(', ') || '…' : 'the group'}…`
      : call.phase === 'connecting'
        ? 'Connecting…'
        : call.phase === 'reconnecting'
          ? 'Reconnecting…'
          : formatDuration(elapsedSeconds(call, now));

  return (
    <div className="overlay in-call" role="dialog" aria-label="Call" data-testid="in-call" data-phase={call.phase}>
      <header className="call-bar">
        <span className="call-status" data-testid="call-status">
          {status}
        </span>
        {snapshot.signaling !== 'online' && <span className="pill warn">Signaling offline — media continues</span>}
        <span className={`badge ${badge.path} ${badge.quality}`} data-testid="connection-badge" data-path={badge.path} data-quality={badge.quality}>
          {pathLabel(badge.path)}
          {badge.path !== 'unknown' && ` · ${qualityLabel(badge.quality)}`}
          {badge.rttMs !== null && <span className="muted"> · {badge.rttMs} ms</span>}
        </span>
      </header>
      <div className={`grid n${Math.max(1, participants.length)}`}>
        {participants.length === 0 && <div className="waiting">Waiting for others to join…</div>}
        {participants.map((p) => (
          <VideoTileFor key={p.userId} name={store.nameOf(p.userId)} participant={p} video={video} />
        ))}
      </div>
      <VideoTile
        stream={snapshot.localStream}
        label="You"
        local
        audioEnabled={snapshot.audioEnabled}
        videoEnabled={video && snapshot.videoEnabled}
        testId="local-tile"
      />
      <footer className="controls">
        <button
          className={`round ${snapshot.audioEnabled ? '' : 'off'}`}
          onClick={() => calls.setAudioEnabled(!snapshot.audioEnabled)}
          aria-pressed={!snapshot.audioEnabled}
          data-testid="toggle-audio"
        >
          {snapshot.audioEnabled ? 'Mute' : 'Unmute'}
        </button>
        {video && (
          <button
            className={`round ${snapshot.videoEnabled ? '' : 'off'}`}
            onClick={() => calls.setVideoEnabled(!snapshot.videoEnabled)}
            aria-pressed={!snapshot.videoEnabled}
            data-testid="toggle-video"
          >
            {snapshot.videoEnabled ? 'Camera off' : 'Camera on'}
          </button>
        )}
        <button className="round danger" onClick={() => calls.hangup()} data-testid="hangup">
          {call.phase === 'outgoing-ringing' ? 'Cancel' : 'End'}
        </button>
      </footer>
    </div>
  );
}

function VideoTileFor({ name, participant, video }: { name: string; participant: CallClientSnapshot['participants'][number]; video: boolean }) {
  return (
    <VideoTile
      stream={participant.stream}
      label={name}
      audioEnabled={participant.audioEnabled}
      videoEnabled={video && participant.videoEnabled}
      testId={`remote-tile-${name}`}
      status={linkLabel(participant.link)}
    />
  );
}

