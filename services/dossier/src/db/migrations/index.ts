import { CreateDossier1732600000000 } from './1732600000000-create-dossier';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const dossierMigrations = [CreateDossier1732600000000];
