/**
 * The org schema: the unit tree (đơn vị hành chính, cơ quan) and its officials (cán bộ, công chức).
 * Every column states its type, so the entities need no emitted decorator metadata (tsx, swc and
 * tsc then read them the same way).
 */
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { UnitKind, UnitLevel } from '../domain/unit';

@Entity({ name: 'administrative_unit' })
export class AdministrativeUnitEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  level: UnitLevel;

  @Column({ type: 'varchar', length: 24 })
  kind: UnitKind;

  @Column({ name: 'province_code', type: 'varchar', length: 2, nullable: true })
  provinceCode: string | null;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => AdministrativeUnitEntity, { nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: AdministrativeUnitEntity | null;

  /** Materialized path of codes, `/VN/22/193/`; collation "C" so a prefix LIKE uses the index. */
  @Column({ type: 'text' })
  path: string;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;
}

/** A merge or split: `predecessor` continued as `successor` from `effectiveOn`. */
@Entity({ name: 'unit_succession' })
export class UnitSuccessionEntity {
  @PrimaryColumn({ name: 'predecessor_id', type: 'uuid' })
  predecessorId: string;

  @PrimaryColumn({ name: 'successor_id', type: 'uuid' })
  successorId: string;

  @Column({ name: 'effective_on', type: 'date' })
  effectiveOn: string;
}

@Entity({ name: 'official' })
export class OfficialEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'unit_id', type: 'uuid' })
  unitId: string;

  @Column({ type: 'text', array: true })
  roles: string[];

  @Column({ type: 'text', nullable: true })
  email: string | null;
}

export const orgEntities = [AdministrativeUnitEntity, UnitSuccessionEntity, OfficialEntity];
