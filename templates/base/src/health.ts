/**
 * Liveness and readiness for load balancers and orchestrators. The app answers both before the Host/Origin
 * guards and the bearer gate: probes arrive with whatever Host header the orchestrator uses (a pod IP,
 * localhost) and carry no token. The bodies say nothing about the configuration.
 *
 * Readiness never asks Scalekit: during a Scalekit outage requests get 401s, and a fleet with zero ready
 * pods would only turn that into 502s everywhere. It turns 503 once shutdown starts (see shutdown.ts).
 */
export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';
export const HEALTH_PATHS = [LIVENESS_PATH, READINESS_PATH];

/** Whether the server still takes new work. */
export interface Readiness {
  readonly ready: boolean;
}

/** For an app that is not tied to a process lifecycle (tests, benchmarks). */
export const ALWAYS_READY: Readiness = { ready: true };

export interface HealthAnswer {
  status: 200 | 503;
  body: { status: 'ok' | 'ready' | 'shutting_down' };
}

/** The answer for one of `HEALTH_PATHS`. */
export function healthAnswer(path: string, readiness: Readiness): HealthAnswer {
  if (path === READINESS_PATH && !readiness.ready) return { status: 503, body: { status: 'shutting_down' } };
  return { status: 200, body: { status: path === READINESS_PATH ? 'ready' : 'ok' } };
}
