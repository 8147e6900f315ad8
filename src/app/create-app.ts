import type { ApplicationFunction, Probot } from "probot";
import type { Settings } from "../config/settings.js";
import type { Clock } from "../engine/clock.js";
import { systemClock } from "../engine/clock.js";
import { createEngineDeps } from "../engine/engine-deps.js";
import { createDeadJobHandler, createJobHandlers, recoverStalledTasks } from "../engine/job-handlers.js";
import { Worker } from "../engine/worker.js";
import { scheduleReconcile } from "../engine/phases/reconcile.js";
import { raiseCircuitAlert, sweepAlerts } from "../engine/alerts.js";
import type { WorkerLog } from "../engine/worker.js";
import { OctokitGateway } from "../github/octokit-gateway.js";
import type { LlmClient } from "../llm/llm-client.js";
import { ModelCatalog } from "../llm/model-catalog.js";
import { redactDeep, redactSecrets } from "../security/redact-secrets.js";
import { describeError } from "../engine/errors.js";
import type { Db } from "../store/open-database.js";
import type { WalCheckpointer } from "../store/wal-checkpointer.js";
import { startWalCheckpointer } from "../store/wal-checkpointer.js";
import { pruneHistory } from "../store/retention.js";
import { traceOctokit } from "../github/trace-octokit.js";
import type { ReadPaths } from "../telemetry/read-paths.js";
import { ObservabilityReader, readPathsInProcess } from "../telemetry/read-paths.js";
import { Tracing } from "../telemetry/tracing.js";
import { DashboardAuth } from "./dashboard-auth.js";
import { createHealthHandler } from "./health-handler.js";
import { createDashboardHandler, createMetricsHandler } from "./observability-handlers.js";
import { createWebhookReceiver } from "./receive-webhook.js";

export interface OrchestratorOptions {
  readonly settings: Settings;
  readonly db: Db;
  /** One client per model provider the app holds a key for. */
  readonly providers: readonly LlmClient[];
  readonly clock?: Clock;
  readonly catalog?: ModelCatalog;
  /** Longest idle sleep of the worker; tests shorten it. */
  readonly workerIdleMs?: number;
  /** Spans, from the SDK the entry point set up (`setUpTracing`); without it, the global API's (a no-op unless registered). */
  readonly tracing?: { readonly tracing: Tracing; flushStore(): void };
  /** GitHub sign-in's requests to GitHub; tests point it at the simulator. */
  readonly fetch?: typeof fetch;
}

export interface OrchestratorApp {
  /** The Probot application function: webhooks in, the worker started, `/healthz` served. */
  readonly appFn: ApplicationFunction;
  readonly worker: () => Worker | undefined;
  /** Stops the worker, letting running jobs finish. The database stays open: its owner closes it. */
  readonly stop: () => Promise<void>;
}

/** The engine's log, through Probot's logger, with secrets masked in messages and fields (errors quote provider and GitHub answers). */
function workerLog(app: Probot): WorkerLog {
  // Errors are logged by their message (redactDeep leaves objects other than plain ones alone).
  const clean = (message: string, fields: Record<string, unknown> | undefined): [Record<string, unknown>, string] => [
    redactDeep(Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, v instanceof Error ? describeError(v) : v]))).value,
    redactSecrets(message).text,
  ];
  return {
    info: (message, fields) => {
      app.log.info(...clean(message, fields));
    },
    warn: (message, fields) => {
      app.log.warn(...clean(message, fields));
    },
    error: (message, fields) => {
      app.log.error(...clean(message, fields));
    },
  };
}

/** How often the failure rate and stuck tasks are looked for. */
const alertSweepMs = 60_000;
/** How often history past its retention is pruned. */
const housekeepingMs = 3_600_000;

export function createOrchestratorApp(options: OrchestratorOptions): OrchestratorApp {
  const clock = options.clock ?? systemClock;
  const catalog = options.catalog ?? ModelCatalog.builtIn();
  let worker: Worker | undefined;
  let checkpointer: WalCheckpointer | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let alertTimer: NodeJS.Timeout | undefined;
  let housekeepingTimer: NodeJS.Timeout | undefined;
  let readPaths: ReadPaths | undefined;

  const tracing = options.tracing?.tracing ?? new Tracing();
  const flushSpans = (): void => {
    options.tracing?.flushStore();
  };

  const appFn: ApplicationFunction = (app, { addHandler }) => {
    const log = workerLog(app);
    const deps = createEngineDeps({
      db: options.db,
      clock,
      catalog,
      providers: options.providers,
      tracing,
      github: async (installationId, scope) => new OctokitGateway(traceOctokit(await app.auth(installationId), scope)),
      settings: options.settings,
      log,
      onCircuitChange: (change) => {
        app.log[change.to === "open" ? "error" : "warn"]({ provider: change.provider, from: change.from, to: change.to, failures: change.failures }, `circuit of ${change.provider} is ${change.to.replace("_", " ")}`);
        try {
          raiseCircuitAlert({ db: options.db, clock, log }, change);
        } catch (error) {
          app.log.error({ err: error }, "the circuit alert could not be recorded");
        }
      },
    });
    const running = new Worker({
      db: options.db,
      clock,
      handlers: createJobHandlers(deps),
      onDead: createDeadJobHandler(deps),
      log,
      tracing,
      concurrency: options.settings.workerConcurrency,
      leaseMs: options.settings.workerLeaseMs,
      ...(options.workerIdleMs === undefined ? {} : { idleMs: options.workerIdleMs }),
    });
    worker = running;
    const receive = createWebhookReceiver({
      db: options.db,
      clock,
      settings: options.settings,
      onMalformed: (envelope, error) => {
        app.log.error({ delivery: envelope.id, event: envelope.name, issues: error.issues }, "malformed webhook payload recorded and ignored");
      },
    });
    app.onAny(async (context) => {
      const result = await tracing.instrument(`webhook ${context.name}`, "webhook", { "github.event": context.name, "github.delivery": context.id }, async (span) => {
        const received = await receive({ id: context.id, name: context.name, payload: context.payload });
        span.setAttribute("orchestrator.webhook.outcome", received.outcome);
        return received;
      });
      // After the answer is on its way: claiming and starting a job is not the webhook's latency.
      if (result.jobId !== undefined) setImmediate(() => {
        running.notify();
      });
      app.log.debug({ delivery: context.id, event: context.name, outcome: result.outcome }, "webhook received");
    });
    addHandler(
      createHealthHandler(
        options.db,
        () => options.settings.runWorker && worker !== undefined,
        (error) => {
          app.log.error({ err: error }, "health check: the database does not answer");
        },
      ),
    );
    const logError = (message: string) => (error: unknown): void => {
      app.log.error({ err: error }, message);
    };
    // The scrape and the dashboard's data read long histories: on a thread of their own, so webhooks never wait on them.
    const readOptions = {
      now: () => clock.now(),
      providers: options.providers.map((p) => p.provider),
      circuits: () => Object.fromEntries(Object.entries(deps.breakers.snapshot()).map(([provider, c]) => [provider, c.state])),
    };
    const read = options.db.memory ? readPathsInProcess(options.db, readOptions) : new ObservabilityReader({ path: options.db.name, ...readOptions });
    readPaths = read;
    addHandler(createMetricsHandler(read, options.settings.metricsToken, logError("metrics: the database does not answer")));
    const { dashboard, github } = options.settings;
    addHandler(
      createDashboardHandler({
        read,
        auth: new DashboardAuth({ ...dashboard, now: () => clock.now() }),
        flushSpans,
        github,
        publicUrl: options.settings.publicUrl,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        onError: logError("dashboard: a request failed"),
        onSignIn: (viewer) => {
          app.log.info({ via: viewer.via, viewer: viewer.name }, "dashboard sign-in");
        },
      }),
    );
    checkpointer = startWalCheckpointer(options.db, {
      onError: (message) => {
        app.log.warn({ error: message }, "WAL checkpoint failed; it is retried on the next tick");
      },
    });
    const recovered = recoverStalledTasks(options.db, clock.now());
    if (recovered > 0) app.log.warn({ tasks: recovered }, "re-queued tasks that had no job");
    // GitHub does not redeliver failed webhooks: tasks waiting on CI or reviews look for themselves, now and periodically.
    const reconcile = (): void => {
      try {
        const queued = scheduleReconcile(options.db, clock.now(), options.settings.reconcileMs);
        if (queued > 0) {
          app.log.info({ tasks: queued }, "reconciling tasks waiting on GitHub");
          worker?.notify();
        }
      } catch (error) {
        app.log.error({ err: error }, "reconciliation could not be scheduled; it is tried again on the next tick");
      }
    };
    reconcile();
    if (options.settings.reconcileMs > 0) {
      reconcileTimer = setInterval(reconcile, options.settings.reconcileMs);
      reconcileTimer.unref();
    }
    // Alerts that no task's job would raise: the failure rate over a window, tasks stuck in a working state.
    const sweep = (): void => {
      try {
        if (sweepAlerts({ db: options.db, clock, log }, options.settings.alerts).some((a) => a.taskId !== null)) worker?.notify();
      } catch (error) {
        app.log.error({ err: error }, "the alert sweep failed; it runs again in a minute");
      }
    };
    sweep();
    alertTimer = setInterval(sweep, alertSweepMs);
    alertTimer.unref();
    // History nothing reads back (old webhook deliveries, folded into counts first; done jobs) is pruned hourly.
    const housekeep = (): void => {
      try {
        const pruned = pruneHistory(options.db, clock.now());
        if (pruned.deliveries + pruned.jobs > 0) app.log.info(pruned, "pruned history past its retention");
      } catch (error) {
        app.log.error({ err: error }, "pruning history failed; it is tried again in an hour");
      }
    };
    housekeep();
    housekeepingTimer = setInterval(housekeep, housekeepingMs);
    housekeepingTimer.unref();
    if (!options.settings.runWorker) {
      app.log.info("ORCHESTRATOR_WORKER=off: receiving webhooks only; another process runs the jobs");
      return;
    }
    running.start();
  };

  return {
    appFn,
    worker: () => worker,
    stop: async () => {
      const current = worker;
      worker = undefined;
      clearInterval(reconcileTimer);
      clearInterval(alertTimer);
      clearInterval(housekeepingTimer);
      await readPaths?.stop();
      readPaths = undefined;
      await current?.stop();
      await checkpointer?.stop();
      checkpointer = undefined;
    },
  };
}
