/**
 * Runs a socket's event handlers one after another: a handler that awaits
 * (e.g. loading the chat for `call:initiate`) holds back later events of the
 * same socket, so a trickled ICE candidate never overtakes its offer.
 * Synchronous handlers run at once when nothing is pending.
 */
export class SerialQueue {
  private tail: Promise<void> | undefined;

  run(task: () => void | Promise<void>, onError: (error: unknown) => void): void {
    if (this.tail === undefined) {
      let result: void | Promise<void>;
      try {
        result = task();
      } catch (error) {
        onError(error);
        return;
      }
      if (result instanceof Promise) this.track(result.catch(onError));
      return;
    }
    this.track(this.tail.then(task).catch(onError));
  }

  private track(promise: Promise<void>): void {
    this.tail = promise;
    void promise.then(() => {
      if (this.tail === promise) this.tail = undefined;
    });
  }
}
