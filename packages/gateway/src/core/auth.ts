/** Who a request or socket belongs to, once its bearer token was verified. */
export interface AuthenticatedUser {
  readonly userId: string;
  readonly username: string;
}

export interface TokenVerifier {
  /** Resolves the token's user or rejects with `GatewayError('UNAUTHENTICATED')`. */
  verify(token: string): Promise<AuthenticatedUser>;
}
