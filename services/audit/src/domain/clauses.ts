/**
 * The clauses of ISO 9001:2015 (TCVN ISO 9001:2015) that an audit finding may cite: sections 4 to
 * 10 and their sub-clauses, as the standard numbers them (4.1 … 10.3). Data, not code: a finding's
 * clause is checked against this list.
 */
export const ISO_9001_2015_CLAUSES: Readonly<Record<string, string>> = Object.freeze({
  '4.1': 'Understanding the organization and its context',
  '4.2': 'Understanding the needs and expectations of interested parties',
  '4.3': 'Determining the scope of the quality management system',
  '4.4': 'Quality management system and its processes',
  '5.1': 'Leadership and commitment',
  '5.2': 'Policy',
  '5.3': 'Organizational roles, responsibilities and authorities',
  '6.1': 'Actions to address risks and opportunities',
  '6.2': 'Quality objectives and planning to achieve them',
  '6.3': 'Planning of changes',
  '7.1': 'Resources',
  '7.2': 'Competence',
  '7.3': 'Awareness',
  '7.4': 'Communication',
  '7.5': 'Documented information',
  '8.1': 'Operational planning and control',
  '8.2': 'Requirements for products and services',
  '8.3': 'Design and development of products and services',
  '8.4': 'Control of externally provided processes, products and services',
  '8.5': 'Production and service provision',
  '8.6': 'Release of products and services',
  '8.7': 'Control of nonconforming outputs',
  '9.1': 'Monitoring, measurement, analysis and evaluation',
  '9.2': 'Internal audit',
  '9.3': 'Management review',
  '10.1': 'Improvement — general',
  '10.2': 'Nonconformity and corrective action',
  '10.3': 'Continual improvement',
});

/** Sub-clauses one level further down that the standard defines (e.g. 7.1.5, 8.5.1, 9.1.3). */
const SUB_CLAUSES: Readonly<Record<string, number>> = Object.freeze({
  '4.4': 2,
  '5.1': 2,
  '5.2': 2,
  '6.1': 2,
  '6.2': 2,
  '7.1': 6,
  '7.5': 3,
  '8.2': 4,
  '8.3': 6,
  '8.4': 3,
  '8.5': 6,
  '9.1': 3,
  '9.3': 3,
});

const PATTERN = /^(\d{1,2})\.(\d)(?:\.(\d))?$/;

/** Whether a clause like `7.5`, `8.5.1` or `10.2` exists in ISO 9001:2015. */
export function isIsoClause(clause: string): boolean {
  const match = PATTERN.exec(clause.trim());
  if (!match) return false;
  const [, section, sub, subsub] = match;
  const parent = `${section}.${sub}`;
  if (!(parent in ISO_9001_2015_CLAUSES)) return false;
  if (subsub === undefined) return true;
  const count = SUB_CLAUSES[parent] ?? 0;
  return Number(subsub) >= 1 && Number(subsub) <= count;
}
