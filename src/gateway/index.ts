// Public face of the gateway module: HTTP ingest, WebSocket streaming, metrics and the web console on uWS.
export { Gateway, gatewayOptions, type GatewayOptions } from './gateway.js';
export { decodeBinaryRecords, type FrameFormat } from './frames.js';
