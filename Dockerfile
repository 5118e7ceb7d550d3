# stet-gateway on the current Node LTS (Node 26, LTS since 2026-10-28; Debian 13 "trixie" is its image's default).
# Stage 1 compiles TypeScript and copies GraphiQL's built files into dist/ (scripts/finish-build.mjs); stage 2 holds
# the production dependencies and dist/ only. test/e2e/runtime-stage.test.ts replays stage 2 in a folder.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:26-trixie-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force && mkdir -p /data && chown node:node /data
COPY --from=build /app/dist ./dist
# The image's own unprivileged user (uid 1000): the ledger, cache, tokens and development keys under /data are its.
USER node
VOLUME /data
EXPOSE 4000
# Liveness only: /readyz (store, keys, the bank accepting our credentials) is for the orchestrator's readiness probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--no-memory-reducer", "dist/main.js"]
