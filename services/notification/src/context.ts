import type { DataSource } from 'typeorm';
import type { PrivateAddressPolicy } from './domain/addresses';
import type { DirectoryLoaders } from '@eiso/directory';
import type { CursorCodec } from '@eiso/graphql';
import type { RequestScope } from '@eiso/server';

export interface NotificationContext extends RequestScope {
  db: DataSource;
  cursors: CursorCodec;
  loaders: DirectoryLoaders;
  /** Encrypts webhook secrets at rest (derived from the service's secret configuration). */
  secretKey: string;
  /** Which private addresses a subscription may name (WEBHOOK_PRIVATE_ADDRESSES). */
  webhookPrivateAddresses: PrivateAddressPolicy;
}
