# Parley: one image serving pages, API and WebSockets.
#   docker build -t parley .
#   docker run -p 3000:3000 -e NUXT_MONGODB_URI=... -e NUXT_JWT_SECRET=... parley
# scripts/docker-steps.mjs performs these steps without a Docker engine (npm test runs it).

# Node.js 26 is the current LTS line; the app needs >= 20.19.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-slim AS build
# argon2 compiles its native addon from source during `npm ci`.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Production talks to NUXT_MONGODB_URI: postinstall skips building the embedded dev database.
ENV PARLEY_SKIP_FERRETDB_BUILD=1 NUXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund
# .git stays out of the context: pass the commit to name it in /api/health and the start-up
# line (docker build --build-arg PARLEY_BUILD_COMMIT=$(git rev-parse --short HEAD) .).
ARG PARLEY_BUILD_COMMIT=
RUN npm run build

FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# The build output is self-contained: Nitro traced and copied the server's dependencies
# (argon2's compiled addon included) into .output/server/node_modules.
COPY --from=build --chown=node:node /app/.output ./.output
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Graceful shutdown: WebSockets close with 1001, in-flight requests finish, exit 0 within 10 s.
STOPSIGNAL SIGTERM
CMD ["node", ".output/server/index.mjs"]
