/**
 * The register of risks and opportunities (rủi ro và cơ hội, ISO 9001:2015 clause 6.1): likelihood
 * and impact each from 1 to 5; their product sets the level, as the usual 5 × 5 matrix does.
 */
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export function riskLevel(likelihood: number, impact: number): RiskLevel {
  for (const [name, value] of [
    ['likelihood', likelihood],
    ['impact', impact],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 5)
      throw new RangeError(`${name} is an integer from 1 to 5`);
  }
  const score = likelihood * impact;
  if (score >= 15) return 'CRITICAL';
  if (score >= 10) return 'HIGH';
  if (score >= 5) return 'MEDIUM';
  return 'LOW';
}
