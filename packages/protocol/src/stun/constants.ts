/**
 * STUN/TURN numbers from RFC 8489 (STUN), RFC 8656 (TURN), RFC 8445 (ICE)
 * and RFC 5780 (NAT behaviour discovery). Names follow the RFCs' registries.
 */

/** The fixed value in bytes 4..7 of every RFC 5389+ STUN header (RFC 8489 §5). */
export const MAGIC_COOKIE = 0x2112a442;

/** Size of the fixed STUN header: type, length, magic cookie, transaction id. */
export const STUN_HEADER_BYTES = 20;

/** Size of a STUN transaction id (RFC 8489 §5). */
export const TRANSACTION_ID_BYTES = 12;

/** Size of an attribute header: 16-bit type and 16-bit length (RFC 8489 §14). */
export const ATTRIBUTE_HEADER_BYTES = 4;

/** Size of the ChannelData header: channel number and length (RFC 8656 §12.4). */
export const CHANNEL_DATA_HEADER_BYTES = 4;

/** Lowest channel number a client may bind (RFC 8656 §12). */
export const MIN_CHANNEL_NUMBER = 0x4000;

/** Highest channel number a client may bind; 0x5000..0x7FFF are reserved (RFC 8656 §12). */
export const MAX_CHANNEL_NUMBER = 0x4fff;

/** XOR constant applied to the CRC-32 in FINGERPRINT (RFC 8489 §14.7). */
export const FINGERPRINT_XOR = 0x5354554e;

/** Largest message body whose length field is a multiple of 4 (16-bit field). */
export const MAX_STUN_BODY_BYTES = 0xfffc;

/** Largest ChannelData application payload (16-bit length field). */
export const MAX_CHANNEL_DATA_PAYLOAD_BYTES = 0xffff;

/** USERNAME is at most 513 bytes (RFC 8489 §14.3). */
export const MAX_USERNAME_BYTES = 513;
/** REALM is at most 763 bytes (RFC 8489 §14.9). */
export const MAX_REALM_BYTES = 763;
/** NONCE is at most 763 bytes (RFC 8489 §14.10). */
export const MAX_NONCE_BYTES = 763;
/** SOFTWARE is at most 763 bytes (RFC 8489 §14.14). */
export const MAX_SOFTWARE_BYTES = 763;
/** ERROR-CODE reason phrase is at most 763 bytes (RFC 8489 §14.8). */
export const MAX_REASON_BYTES = 763;

/** Message class, carried in bits C1 C0 of the message type (RFC 8489 §5). */
export const StunClass = { Request: 0, Indication: 1, SuccessResponse: 2, ErrorResponse: 3 } as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** Methods from RFC 8489 §18.2 and RFC 8656 §17. */
export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

/** Attribute types (IANA "STUN Attributes" registry). Types < 0x8000 are comprehension-required. */
export const Attr = {
  MAPPED_ADDRESS: 0x0001,
  CHANGE_REQUEST: 0x0003,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  ADDITIONAL_ADDRESS_FAMILY: 0x8000,
  ADDRESS_ERROR_CODE: 0x8001,
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  ICMP: 0x8004,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
  RESPONSE_ORIGIN: 0x802b,
  OTHER_ADDRESS: 0x802c,
} as const;
export type Attr = (typeof Attr)[keyof typeof Attr];

/** PASSWORD-ALGORITHM values (RFC 8489 §18.5). */
export const PasswordAlgorithm = { MD5: 0x0001, SHA256: 0x0002 } as const;
export type PasswordAlgorithm = (typeof PasswordAlgorithm)[keyof typeof PasswordAlgorithm];

/** IP protocol numbers used in REQUESTED-TRANSPORT (RFC 8656 §18.7). */
export const TransportProtocol = { UDP: 17, TCP: 6 } as const;
