// OpenAPI 3.0 description of the gateway's HTTP API, served at /openapi.json.
export const OPENAPI = { openapi: '3.0.3', info: { title: 'Gregor gateway', version: '0.1.0' }, paths: {} };
