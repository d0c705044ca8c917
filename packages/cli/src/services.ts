/**
 * The services `eiso` migrates, seeds and starts, in dependency order (a service's seed and start
 * may read the API of one before it). Each later service adds its module here (and to
 * gateway/src/subgraphs.ts).
 */
import path from 'node:path';
import { auditModule } from '@eiso/audit';
import { catalogModule } from '@eiso/catalog';
import { dossierModule } from '@eiso/dossier';
import { notificationModule } from '@eiso/notification';
import { orgModule } from '@eiso/org';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export interface ServiceModule {
  name: string;
  /** Package directory, relative to the repository root. */
  dir: string;
  port: number;
  portVariable: string;
  /** The variable through which other processes find this service's GraphQL URL. */
  urlVariable: string;
  /** A second entry point (BullMQ jobs), relative to `dir`, started beside the server. */
  worker?: string;
  migrate(env: NodeJS.ProcessEnv): Promise<string[]>;
  seed?(env: NodeJS.ProcessEnv, options: { progress?: (message: string) => void }): Promise<string>;
  start(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }>;
  /** Jobs `eiso run <task>` runs now, against the running services; each answers a one-line summary. */
  tasks?: Record<
    string,
    (env: NodeJS.ProcessEnv, options: { progress?: (message: string) => void }) => Promise<string>
  >;
}

/** The service and task `eiso run <name>` means (task names are unique across services). */
export function findTask(name: string) {
  for (const service of SERVICES) {
    const task = service.tasks?.[name];
    if (task) return { service, task };
  }
  return undefined;
}

export const taskNames = () => SERVICES.flatMap((s) => Object.keys(s.tasks ?? {}));

export const SERVICES: ServiceModule[] = [
  orgModule,
  catalogModule,
  dossierModule,
  auditModule,
  notificationModule,
];

/**
 * EISO_PORT_OFFSET moves every port of `eiso start` together (the gateway's 4000 and each
 * subgraph's), so a second system can run beside the first on one machine.
 */
export const PORT_OFFSET = Number(process.env.EISO_PORT_OFFSET ?? 0);

export function servicePort(service: ServiceModule): number {
  return service.port + PORT_OFFSET;
}

/** The health port (/live, /ready, /metrics) `eiso start` gives a service's worker: its port + 10. */
export function workerHealthPort(service: ServiceModule): number {
  return servicePort(service) + 10;
}

export function serviceUrl(service: ServiceModule): string {
  return `http://127.0.0.1:${servicePort(service)}/graphql`;
}
