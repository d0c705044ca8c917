import type DataLoader from 'dataloader';
import type { WorkingCalendar } from '@eiso/calendar';
import {
  createDirectoryLoaders,
  type DirectoryLoaders,
  type OfficialDirectory,
  type UnitDirectory,
} from '@eiso/directory';
import { groupedLoader, keyedLoader, type CursorCodec } from '@eiso/graphql';
import type { RequestScope } from '@eiso/server';
import type { DossierCommands } from './db/commands';
import type { DossierQueries } from './db/queries';
import type { PinLock } from './db/pin-lock';
import type { ApologyRow, DossierRow, PauseRow, StepRow } from './db/rows';

/** What every dossier resolver gets: the verified caller, data access, the calendar and this request's loaders. */
export interface DossierContext extends RequestScope {
  queries: DossierQueries;
  commands: DossierCommands;
  /** Locks a dossier code's public PIN checks after too many wrong PINs. */
  pinLock: PinLock;
  directory: UnitDirectory;
  /** Who may be assigned a step (org's officials, replicated). */
  officials: OfficialDirectory;
  calendar: WorkingCalendar;
  cursors: CursorCodec;
  /** The request's clock (one instant for the whole answer, so timeliness agrees everywhere in it). */
  now: () => Date;
  loaders: DossierLoaders;
}

export interface DossierLoaders extends DirectoryLoaders {
  dossierById: DataLoader<string, DossierRow | null>;
  stepsByDossier: DataLoader<string, StepRow[]>;
  pausesByDossier: DataLoader<string, PauseRow[]>;
  apologiesByDossier: DataLoader<string, ApologyRow[]>;
}

export function createDossierLoaders(queries: DossierQueries, directory: UnitDirectory): DossierLoaders {
  return {
    ...createDirectoryLoaders(directory),
    dossierById: keyedLoader(
      (ids) => queries.dossiersByIds(ids),
      (d) => d.id,
    ),
    stepsByDossier: groupedLoader(
      (ids) => queries.stepsOf(ids),
      (s) => s.dossierId,
    ),
    pausesByDossier: groupedLoader(
      (ids) => queries.pausesOf(ids),
      (p) => p.dossierId,
    ),
    apologiesByDossier: groupedLoader(
      (ids) => queries.apologiesOf(ids),
      (a) => a.dossierId,
    ),
  };
}
