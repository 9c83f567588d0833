// Guards node-zookeeper-client 1.1.3's connection against its reply-framing fault (upstream issue #70,
// "Unknown code: <number>" thrown from ConnectionManager.onSocketData, an uncaught exception that ends the
// process), without patching the package: the guard replaces methods on one client's ConnectionManager.
//
// The cause: the client reads a frame as the ConnectResponse only while its state is CONNECTING. When
// close() is called before the ConnectResponse arrived (a connect attempt given up after its time window),
// the state is CLOSING, close() has already sent CLOSE_SESSION with xid 0 and queued it as pending, and the
// ConnectResponse is then read as a ReplyHeader: its protocolVersion (0) is taken for the xid, which matches
// the pending CLOSE_SESSION, and four bytes of the new session id are taken for the error code, which
// Exception.create refuses by throwing. A second path to the same misreading: the client keeps the partial
// frame of a dropped socket and prefixes it to the first bytes of the next socket.
//
// The guard: a client not yet connected is shut by dropping its socket, never by close() (shutClient);
// every new socket starts with no partial frame; bytes arriving on a socket whose connect the client no
// longer waits for are dropped with the socket; and any other throw from onSocketData is caught, reported
// with the length of the bytes, and handled as a connection loss: the socket is dropped (the client
// reconnects with the same session and re-sets its watches) and the request whose reply failed to parse
// fails with CONNECTION_LOSS, like every other request in flight.
import type { Socket } from 'node:net';
import type { Client } from 'node-zookeeper-client';

/** ConnectionManager.STATES of node-zookeeper-client. */
const CONNECTING = 1;
const CONNECTED = 2;
const CONNECTED_READ_ONLY = 3;
const CLOSING = -1;
/** Exception.CONNECTION_LOSS */
const CONNECTION_LOSS = -4;

interface PendingPacket {
  callback?: (error: unknown) => void;
}

interface ConnectionManager {
  state: number;
  socket?: Socket;
  pendingBuffer: Buffer | null;
  pendingQueue: PendingPacket[];
  connectTimeoutHandler: NodeJS.Timeout | null;
  onSocketData(buffer: Buffer): void;
  onSocketConnected(): void;
  setState(state: number): void;
}

function manager(client: Client): ConnectionManager {
  return (client as unknown as { connectionManager: ConnectionManager }).connectionManager;
}

/** An error the client's callers read like the client's own CONNECTION_LOSS. */
function connectionLoss(): Error & { getCode(): number } {
  return Object.assign(new Error('Exception: CONNECTION_LOSS[-4]'), { getCode: () => CONNECTION_LOSS });
}

/** Installs the guard on a client before its connect(); `report` receives a line per fault caught. */
export function guardClient(client: Client, report: (message: string) => void): void {
  const cm = manager(client);
  const onSocketData = cm.onSocketData;
  const onSocketConnected = cm.onSocketConnected;
  // True from a socket's connect until the client has read the ConnectResponse on it.
  let handshaking = false;

  // The client binds these per socket (socket.on('connect', self.onSocketConnected.bind(self))), so the
  // instance's own properties are what every later socket uses.
  cm.onSocketConnected = function (this: ConnectionManager) {
    this.pendingBuffer = null;
    if (this.state !== CONNECTING) {
      // Shut while this socket was connecting: no session to ask for.
      if (this.connectTimeoutHandler) clearTimeout(this.connectTimeoutHandler);
      this.socket?.destroy();
      return;
    }
    handshaking = true;
    onSocketConnected.call(this);
  };

  cm.onSocketData = function (this: ConnectionManager, buffer: Buffer) {
    if (handshaking && this.state !== CONNECTING) {
      // The ConnectResponse of a connect the client gave up: not a reply to anything it sent.
      handshaking = false;
      this.pendingBuffer = null;
      this.socket?.destroy();
      return;
    }
    const pending = [...this.pendingQueue];
    try {
      onSocketData.call(this, buffer); // re-enters through this guard for each further frame in the bytes
    } catch (e) {
      const bytes = buffer.length + (this.pendingBuffer?.length ?? 0);
      this.pendingBuffer = null;
      this.socket?.destroy();
      // Requests are answered in order: the last one taken off the queue is the one whose reply threw.
      const lost = pending.filter((p) => !this.pendingQueue.includes(p)).pop();
      report(`ZooKeeper reply could not be read (${(e as Error).message}; ${bytes} bytes): connection dropped, the session reconnects`);
      lost?.callback?.(connectionLoss());
      return;
    }
    if (handshaking && this.state !== CONNECTING) handshaking = false;
  };
}

/**
 * Ends a client: a connected one closes its session (its ephemeral nodes go at once); one that is connecting,
 * disconnected or expired only drops its socket, as a CLOSE_SESSION sent before the ConnectResponse is what
 * made the client misread that response.
 */
export function shutClient(client: Client): void {
  const cm = manager(client);
  if (cm.state === CONNECTED || cm.state === CONNECTED_READ_ONLY) {
    client.close();
    return;
  }
  if (cm.state === CLOSING) return;
  if (cm.state < CLOSING) {
    cm.socket?.destroy(); // closed, expired or refused: the client reconnects no more
    return;
  }
  cm.setState(CLOSING);
  if (cm.connectTimeoutHandler) clearTimeout(cm.connectTimeoutHandler);
  cm.socket?.destroy();
}
