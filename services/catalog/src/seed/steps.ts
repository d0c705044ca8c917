/**
 * The usual shape of a one-stop process for the demo: receive at the desk, appraise, the leader
 * signs, return at the desk — spread over the time the unit has, in half hours.
 */
import type { StoredStep } from '../db/rows';

const SHAPE = [
  { name: 'Tiếp nhận, kiểm tra và chuyển hồ sơ', role: 'RECEIVER', weight: 0.1 },
  { name: 'Thẩm định, xử lý hồ sơ', role: 'HANDLER', weight: 0.6 },
  { name: 'Xem xét, ký duyệt kết quả', role: 'LEADER', weight: 0.2 },
  { name: 'Trả kết quả và thu phí, lệ phí', role: 'RECEIVER', weight: 0.1 },
] as const;

/** Steps whose hours add up to at most `totalHours` (and at least two hours in all). */
export function planSteps(totalHours: number, appraisalName: string = SHAPE[1].name): StoredStep[] {
  const budget = Math.max(2, Math.floor(totalHours * 2) / 2);
  const hours = SHAPE.map((s) => Math.max(0.5, Math.floor(budget * s.weight * 2) / 2));
  // Whatever rounding left over goes to the appraisal, the step that needs it most.
  hours[1] += budget - hours.reduce((a, b) => a + b, 0);
  return SHAPE.map((s, i) => ({
    order: i + 1,
    name: i === 1 ? appraisalName : s.name,
    role: s.role,
    durationHours: hours[i],
  }));
}
