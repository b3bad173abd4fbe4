# mcp-authz image: compiled with tsc in a build stage, run on Node 22 LTS without dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY contract/package.json contract/tsconfig.build.json contract/
COPY service/package.json service/tsconfig.build.json service/
COPY sdk/package.json sdk/tsconfig.build.json sdk/
RUN npm ci --no-audit --no-fund
COPY contract/src contract/src
COPY contract/mcp-authz.yaml contract/
COPY service/src service/src
COPY service/bin service/bin
RUN npm run build -w contract && npm run build -w service

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    POLICY_DIR=/app/policies
WORKDIR /app
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY service/package.json service/
COPY sdk/package.json sdk/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/contract/dist contract/dist
COPY contract/mcp-authz.yaml contract/
COPY --from=build /app/service/dist service/dist
COPY service/bin service/bin
COPY policies policies
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "service/bin/mcp-authz.mjs", "serve"]
