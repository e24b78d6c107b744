import type { LayerGenerator } from './layer.js';

/**
 * Dockerfile and its ignore file for the service, per language. Paths come
 * from the Stack: `<service dir>/Dockerfile`, and `.dockerignore` beside it, or
 * `Dockerfile.dockerignore` when the build context is a workspace root (BuildKit
 * reads `<Dockerfile>.dockerignore` before the context's own .dockerignore).
 */
export const dockerLayer: LayerGenerator = {
  name: 'docker',
  description: 'Multi-stage Dockerfile and .dockerignore',
  // runtime: HEALTHCHECK only for ECS, shutdown timeouts; serviceName: OCI labels.
  options: ['language', 'serviceName', 'runtime', 'serviceDir', 'port', 'healthPath'],
  // A repo that brings its own Dockerfile keeps it: the other layers build that one.
  enabled: (stack) => !stack.docker.userDockerfile,
  actions: (stack) => [
    { type: 'render', template: `docker/${stack.answers.language}/Dockerfile.hbs`, path: stack.docker.dockerfilePath },
    { type: 'render', template: `docker/${stack.answers.language}/dockerignore.hbs`, path: stack.docker.dockerignorePath },
  ],
};
