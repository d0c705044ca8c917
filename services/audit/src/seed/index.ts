/**
 * The audit demo seed, in the proportions the ministry reported (notes/legal-rules.md, April
 * 2021): every mandatory unit announced to ISO 9001:2015 and audited and reviewed this year except
 * in two ministries (one agency not announced, one review missing); about 62% of communes announced,
 * one in seven of them still on ISO 9001:2008; a few nonconformities with their actions; risks and
 * quality objectives at every province. Deterministic; needs org running (unit and official
 * directories).
 */
import { todayInVietnam, addDays } from '@eiso/calendar';
import { seededRandom, randomInt } from '@eiso/demo';
import { syncOfficialDirectory, syncUnitDirectory, UnitDirectory, type DirectoryUnit } from '@eiso/directory';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditConfig } from '../config';
import { createAuditDataSource } from '../db/database';
import { isMandatoryAdopter } from '../domain/compliance';

export async function seedAuditIfEmpty(
  config: AuditConfig,
  progress: (message: string) => void,
): Promise<string> {
  const { dataSource: db } = createAuditDataSource(config, 2);
  await db.initialize();
  try {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM qms`);
    if (n > 0) return 'audit: already seeded';
    const source = { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
    await syncUnitDirectory(new UnitDirectory(db), source);
    await syncOfficialDirectory(db, source);
    const units: DirectoryUnit[] = await new UnitDirectory(db).subtree('/');
    const counts = await db.transaction((m) => writeDemo(m, units, todayInVietnam()));
    progress(`audit: ${counts.qms} QMS records, ${counts.audits} audits, ${counts.reviews} reviews`);
    return `audit: seeded ${counts.qms} QMS records, ${counts.audits} audits, ${counts.reviews} reviews, ${counts.nonconformities} nonconformities`;
  } finally {
    await db.destroy();
  }
}

async function writeDemo(m: EntityManager, units: DirectoryUnit[], today: string) {
  const random = seededRandom(20_210_401);
  const year = today.slice(0, 4);
  const start = `${year}-01-02`;
  const dayThisYear = () => {
    const span = Math.max(0, (Date.parse(today) - Date.parse(start)) / 86_400_000);
    return addDays(start, Math.floor(random() * (span + 1)));
  };
  const ministries = units
    .filter((u) => u.level === 'MINISTRY' && u.kind !== 'AGENCY')
    .sort((a, b) => (a.code < b.code ? -1 : 1));
  // Two ministries fall short, as in the 2021 figures (20 of 22).
  const notAnnounced = ministries[ministries.length - 1]
    ? agenciesOf(units, ministries[ministries.length - 1])[0]
    : undefined;
  const noReview = ministries[ministries.length - 2];

  const qms: { unit: DirectoryUnit; standard: string; on: string }[] = [];
  const audited: DirectoryUnit[] = [];
  const reviewed: DirectoryUnit[] = [];
  for (const unit of units) {
    if (isMandatoryAdopter(unit)) {
      if (unit.id !== notAnnounced?.id)
        qms.push({ unit, standard: 'ISO_9001_2015', on: addDays(start, -randomInt(random, 60, 1500)) });
      audited.push(unit);
      if (unit.id !== noReview?.id) reviewed.push(unit);
    } else if (unit.level === 'COMMUNE' && random() < 0.62) {
      qms.push({
        unit,
        standard: random() < 0.15 ? 'ISO_9001_2008' : 'ISO_9001_2015',
        on: addDays(start, -randomInt(random, 60, 2500)),
      });
    }
  }
  await m.query(
    `INSERT INTO qms (unit_id, unit_path, status, standard, decision_number, announced_on)
     SELECT id, path, 'ANNOUNCED', standard, decision, announced FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[])
       AS t(id, path, standard, decision, announced)`,
    [
      qms.map((q) => q.unit.id),
      qms.map((q) => q.unit.path),
      qms.map((q) => q.standard),
      qms.map((q, i) => `${100 + (i % 900)}/QĐ-${q.unit.level === 'COMMUNE' ? 'UBND' : 'CQ'}`),
      qms.map((q) => q.on),
    ],
  );
  const auditDays = audited.map(() => dayThisYear());
  const audits: { id: string; unit_id: string; unit_path: string }[] = await m.query(
    `INSERT INTO internal_audit (unit_id, unit_path, planned_for, scope, status, completed_on, auditor_ids)
     SELECT id, path, day, 'Toàn bộ hệ thống quản lý chất lượng', 'COMPLETED', day, '{}'::uuid[]
     FROM unnest($1::uuid[], $2::text[], $3::date[]) AS t(id, path, day) RETURNING id, unit_id, unit_path`,
    [audited.map((u) => u.id), audited.map((u) => u.path), auditDays],
  );
  await m.query(
    `INSERT INTO management_review (unit_id, unit_path, held_on, inputs, decisions)
     SELECT id, path, day, ARRAY['Kết quả đánh giá nội bộ', 'Mức độ hài lòng của người dân'], ARRAY['Duy trì và cải tiến HTQLCL']
     FROM unnest($1::uuid[], $2::text[], $3::date[]) AS t(id, path, day)`,
    [reviewed.map((u) => u.id), reviewed.map((u) => u.path), reviewed.map(() => dayThisYear())],
  );
  const withFinding = audits.filter(() => random() < 0.08);
  for (const audit of withFinding) {
    const [nc] = await m.query(
      `INSERT INTO nonconformity (unit_id, unit_path, source, description, status)
       VALUES ($1, $2, 'INTERNAL_AUDIT', '7.5 Thông tin dạng văn bản: hồ sơ chưa được kiểm soát đầy đủ', 'ACTION_PLANNED') RETURNING id`,
      [audit.unit_id, audit.unit_path],
    );
    await m.query(
      `INSERT INTO finding (audit_id, kind, clause, description, nonconformity_id)
       VALUES ($1, 'MINOR_NONCONFORMITY', '7.5.3', 'Hồ sơ chưa được kiểm soát đầy đủ', $2)`,
      [audit.id, nc.id],
    );
    await m.query(
      `INSERT INTO corrective_action (nonconformity_id, description, root_cause, owner_id, due_on)
       SELECT $1, 'Bổ sung sổ theo dõi hồ sơ', 'Chưa phân công người theo dõi', coalesce(
         (SELECT id FROM official_directory WHERE unit_id = $2 AND 'ISO_SECRETARY' = ANY(roles) LIMIT 1), gen_random_uuid()), $3`,
      [nc.id, audit.unit_id, addDays(today, randomInt(random, 5, 60))],
    );
  }
  const provinces = units.filter((u) => u.level === 'PROVINCE' && u.kind === 'PEOPLES_COMMITTEE');
  for (const province of provinces) {
    await m.query(
      `INSERT INTO risk (unit_id, description, likelihood, impact, treatment) VALUES
         ($1, 'Hồ sơ trễ hạn do thiếu nhân lực ở bộ phận một cửa', $2, 4, 'Bố trí thêm công chức tiếp nhận'),
         ($1, 'Gián đoạn hệ thống một cửa điện tử', $3, 3, 'Sao lưu và phương án dự phòng')`,
      [province.id, randomInt(random, 2, 4), randomInt(random, 1, 3)],
    );
    await m.query(
      `INSERT INTO quality_objective (unit_id, year, name, metric, target) VALUES
         ($1, $2, 'Tỷ lệ hồ sơ giải quyết đúng hạn', 'ON_TIME_RATE', 0.95),
         ($1, $2, 'Mức độ hài lòng của người dân', 'SATISFACTION_RATE', 0.9),
         ($1, $2, 'Tỷ lệ hồ sơ trực tuyến', 'ONLINE_RATE', 0.5)`,
      [province.id, Number(year)],
    );
  }
  return {
    qms: qms.length,
    audits: audits.length,
    reviews: reviewed.length,
    nonconformities: withFinding.length,
  };
}

function agenciesOf(units: DirectoryUnit[], ministry: DirectoryUnit): DirectoryUnit[] {
  return units
    .filter((u) => u.path.startsWith(ministry.path) && u.kind === 'AGENCY')
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

export type { DataSource };
