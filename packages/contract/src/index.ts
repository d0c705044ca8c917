/**
 * The client contract (a copy of shared/contract): the operations province front-ends, the
 * ministry dashboard and scripts send, by name, and which subgraphs each one needs — so the
 * contract test can tell "not built yet" from "broken".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';

export const OPERATIONS_PATH = path.join(__dirname, '..', 'operations.graphql');
export const API_SKETCH_PATH = path.join(__dirname, '..', 'api-sketch.graphql');

export interface ContractOperation {
  name: string;
  document: DocumentNode;
  /** The operation's text alone, ready to send. */
  text: string;
}

let cache: Map<string, ContractOperation> | undefined;

export function contractOperations(): Map<string, ContractOperation> {
  if (cache) return cache;
  const document = parse(readFileSync(OPERATIONS_PATH, 'utf8'));
  cache = new Map();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
    const single: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [definition as OperationDefinitionNode],
    };
    cache.set(definition.name.value, { name: definition.name.value, document: single, text: print(single) });
  }
  return cache;
}

export function operation(name: string): string {
  const found = contractOperations().get(name);
  if (!found) throw new Error(`no contract operation named ${name}`);
  return found.text;
}

/** The subgraphs whose fields each operation touches. */
export const OPERATION_SUBGRAPHS: Record<string, string[]> = {
  UnitByCode: ['org'],
  UnitsByLevel: ['org'],
  MyWorkspace: ['org', 'dossier', 'notification'],
  UnitProcedures: ['org', 'catalog'],
  ProcedureByCode: ['catalog'],
  DraftProcess: ['catalog'],
  ApproveProcess: ['catalog', 'org'],
  RegisterLegalChange: ['catalog'],
  ReceiveDossier: ['dossier', 'catalog', 'org'],
  CompleteStep: ['dossier', 'org'],
  RequestSupplement: ['dossier'],
  ResumeDossier: ['dossier'],
  IssueApology: ['dossier'],
  RejectDossier: ['dossier'],
  ReturnResult: ['dossier'],
  WithdrawDossier: ['dossier'],
  RecordFeedback: ['dossier'],
  ImportDossiers: ['dossier'],
  DossierDetail: ['dossier', 'catalog', 'org'],
  UnitDossiers: ['org', 'dossier', 'catalog'],
  UnitStatistics: ['org', 'dossier'],
  PublicDossierStatus: ['dossier', 'catalog', 'org'],
  AnnounceQms: ['audit', 'org'],
  PlanInternalAudit: ['audit', 'org'],
  RecordAuditFinding: ['audit'],
  AddCorrectiveAction: ['audit', 'org'],
  CompleteCorrectiveAction: ['audit'],
  RecordManagementReview: ['audit', 'org'],
  UnitQuality: ['org', 'audit', 'dossier'],
  NationalCompliance: ['audit', 'org'],
  Rankings: ['audit', 'org'],
  MarkNotificationsRead: ['notification'],
  CreateWebhookSubscription: ['notification'],
  NotificationHistory: ['org', 'notification', 'dossier'],
};
