import { useEffect, useRef } from 'react';

interface Props {
  stream: MediaStream | null;
  label: string;
  /** Mirror and silence the local preview. */
  local?: boolean;
  audioEnabled: boolean;
  videoEnabled: boolean;
  testId: string;
  /** Extra overlay content (e.g. connection state). */
  status?: string | null;
}

export function VideoTile({ stream, label, local = false, audioEnabled, videoEnabled, testId, status = null }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current !== null && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream]);

  return (
    <figure className={`tile ${local ? 'local' : 'remote'}`} data-testid={testId}>
      <video ref={video} autoPlay playsInline muted={local} className={videoEnabled ? '' : 'hidden'} />
      {!videoEnabled && (
        <div className="camera-off" data-testid={`${testId}-camera-off`}>
          <span className="avatar big">{label.slice(0, 1).toUpperCase()}</span>
          <span>Camera off</span>
        </div>
      )}
      <figcaption>
        <span>{label}</span>
        {!audioEnabled && (
          <span className="pill muted-pill" data-testid={`${testId}-muted`}>
            Muted
          </span>
        )}
        {status !== null && <span className="pill">{status}</span>}
      </figcaption>
    </figure>
  );
}
