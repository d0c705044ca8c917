import type { DataSource } from 'typeorm';
import type { WorkingCalendar } from '@eiso/calendar';
import {
  createDirectoryLoaders,
  type DirectoryLoaders,
  type OfficialDirectory,
  type UnitDirectory,
} from '@eiso/directory';
import type { CursorCodec } from '@eiso/graphql';
import type { RequestScope } from '@eiso/server';
import type { ComplianceSources } from './jobs/compliance';

/** What every audit resolver gets. */
export interface AuditContext extends RequestScope {
  db: DataSource;
  directory: UnitDirectory;
  officials: OfficialDirectory;
  calendar: WorkingCalendar;
  cursors: CursorCodec;
  today: string;
  loaders: DirectoryLoaders;
  /** Where the compliance snapshot gathers what it needs from other services. */
  compliance: ComplianceSources;
}

export function createAuditLoaders(directory: UnitDirectory): DirectoryLoaders {
  return createDirectoryLoaders(directory);
}
