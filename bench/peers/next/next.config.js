// Plain production build; no telemetry, no image optimisation.
module.exports = { reactStrictMode: true, images: { unoptimized: true } };
