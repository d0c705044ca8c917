/**
 * The services `eiso` migrates, seeds and starts, in dependency order. Each later service adds
 * its module here (and to gateway/src/subgraphs.ts).
 */
import path from 'node:path';
import { orgModule } from '@eiso/org';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export interface ServiceModule {
  name: string;
  /** Package directory, relative to the repository root. */
  dir: string;
  port: number;
  portVariable: string;
  migrate(env: NodeJS.ProcessEnv): Promise<string[]>;
  seed?(env: NodeJS.ProcessEnv, options: { progress?: (message: string) => void }): Promise<string>;
}

export const SERVICES: ServiceModule[] = [orgModule];
