import { describe, expect, it } from 'vitest';
import { CHROMIUM_ANSWER, CHROMIUM_OFFER, FIREFOX_OFFER_LF } from './samples.js';
import { DEFAULT_MAX_SDP_BYTES } from './limits.js';
import { checkSessionDescription, checkSessionDescriptionText, utf8ByteLength } from './sdp.js';

const max = DEFAULT_MAX_SDP_BYTES;

describe('checkSessionDescriptionText', () => {
  it.each([
    ['Chromium offer (CRLF)', CHROMIUM_OFFER],
    ['Chromium answer', CHROMIUM_ANSWER],
    ['Firefox offer (LF)', FIREFOX_OFFER_LF],
    ['minimal, no trailing newline', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0'],
  ])('accepts %s', (_name, sdp) => {
    expect(checkSessionDescriptionText(sdp, max)).toBeNull();
  });

  it.each([
    ['empty text', '', /needs v=/],
    ['not SDP at all', 'hello world\nthis is\nnot\nsdp', /not <type>=<value>/],
    ['wrong version', CHROMIUM_OFFER.replace('v=0', 'v=1'), /start with v=0/],
    ['o= before v=', 'o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\ns=-\r\nt=0 0\r\n', /start with v=0/],
    ['o= with five fields', CHROMIUM_OFFER.replace('o=- 4611731400430051336 2 IN IP4 127.0.0.1', 'o=- 1 2 IN IP4'), /o= line/],
    ['missing s=', CHROMIUM_OFFER.replace('s=-\r\n', ''), /s= line/],
    ['missing t=', CHROMIUM_OFFER.replace('t=0 0\r\n', ''), /media section before its t=/],
    ['no t= and no media', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=x\r\n', /no t= line/],
    ['blank line inside', CHROMIUM_OFFER.replace('a=mid:0\r\n', '\r\na=mid:0\r\n'), /line \d+ is not/],
    ['upper-case type', CHROMIUM_OFFER.replace('a=mid:0', 'A=mid:0'), /is not <type>=<value>/],
    ['lone CR', CHROMIUM_OFFER.replace('a=mid:0\r\n', 'a=mid:0\ra=x\r\n'), /is not <type>=<value>/],
    ['NUL byte', CHROMIUM_OFFER.replace('a=mid:0', 'a=mid:\u00000'), /is not <type>=<value>/],
    ['overlong line', CHROMIUM_OFFER.replace('a=mid:0', `a=${'x'.repeat(5000)}`), /too long/],
  ])('rejects %s', (_name, sdp, message) => {
    const problem = checkSessionDescriptionText(sdp, max);
    expect(problem?.code).toBe('INVALID_SDP');
    expect(problem?.message).toMatch(message);
  });

  it('enforces the byte limit, counting UTF-8 bytes', () => {
    const padded = CHROMIUM_OFFER + `a=x-pad:${'é'.repeat(200)}\r\n`; // 2 bytes each
    const bytes = utf8ByteLength(padded);
    expect(bytes).toBe(padded.length + 200);
    expect(checkSessionDescriptionText(padded, bytes)).toBeNull();
    expect(checkSessionDescriptionText(padded, bytes - 1)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: `SDP larger than ${bytes - 1} bytes`,
    });
  });

  it('counts surrogate pairs as four bytes', () => {
    expect(utf8ByteLength('a😀é€')).toBe(1 + 4 + 2 + 3);
  });
});

describe('checkSessionDescription', () => {
  it('accepts rollback with an empty sdp only', () => {
    expect(checkSessionDescription({ type: 'rollback', sdp: '' }, max)).toBeNull();
    expect(checkSessionDescription({ type: 'offer', sdp: '' }, max)?.code).toBe('INVALID_SDP');
  });
});
