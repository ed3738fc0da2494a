// The test app: no telemetry, nothing beyond the API routes.
module.exports = { reactStrictMode: true };
