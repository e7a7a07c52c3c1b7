import { exposureMessages as msg } from '../messages/index.js';
import { checkPositive, num } from './sql.js';
import type { DaysSupply, ExclusionReason } from './types.js';

// Days' supply of one dispensing, as SQL over the dispensing columns (packs, units_per_pack,
// days_supply). See DaysSupply (types.ts) for the rules.

/** Validate a rule; throws on a bad parameter. */
export function checkDaysSupply(drug: string, rule: DaysSupply | undefined): DaysSupply {
  if (!rule || typeof rule !== 'object') throw msg.missingDaysSupply(drug);
  switch (rule.method) {
    case 'given':
      return { method: 'given' };
    case 'ddd':
      return { method: 'ddd', dailyDose: checkPositive(`daysSupply.dailyDose of '${drug}'`, rule.dailyDose) };
    case 'fixed':
      return { method: 'fixed', days: checkPositive(`daysSupply.days of '${drug}'`, rule.days) };
    case 'packSize':
      return {
        method: 'packSize',
        small: checkPositive(`daysSupply.small of '${drug}'`, rule.small),
        large: checkPositive(`daysSupply.large of '${drug}'`, rule.large),
        largeFrom: checkPositive(`daysSupply.largeFrom of '${drug}'`, rule.largeFrom),
      };
    default:
      throw msg.badNumber(`daysSupply.method of '${drug}'`, (rule as { method: unknown }).method, "'given', 'ddd', 'fixed' or 'packSize'");
  }
}

/**
 * SQL for the whole days' supply (a whole number as DOUBLE, NULL when an input is missing; the
 * caller casts it once it is known to be plausible). Rounded up, with a 1e-6 tolerance so that
 * 84.0000000001 from floating-point division stays 84.
 */
export function daysSupplySql(rule: DaysSupply, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const raw = (() => {
    switch (rule.method) {
      case 'given':
        return `${a}days_supply`;
      case 'ddd':
        return `${a}packs * ${a}units_per_pack / ${num(rule.dailyDose)}`;
      case 'fixed':
        return `${a}packs * ${num(rule.days)}`;
      case 'packSize':
        return `${a}packs * CASE WHEN ${a}units_per_pack >= ${num(rule.largeFrom)} THEN ${num(rule.large)} ELSE ${num(rule.small)} END`;
    }
  })();
  return `CEIL((${raw}) - 0.000001)`;
}

/**
 * SQL CASE naming why the supply cannot be computed (missing inputs), NULL when it can. Checked in
 * this order, the first reason wins.
 */
export function missingSupplyReasonSql(rule: DaysSupply, alias = ''): Array<[condition: string, reason: ExclusionReason]> {
  const a = alias ? `${alias}.` : '';
  switch (rule.method) {
    case 'given':
      return [[`${a}days_supply IS NULL`, 'missing-days-supply']];
    case 'fixed':
      return [[`${a}packs IS NULL`, 'missing-packs']];
    case 'ddd':
    case 'packSize':
      return [
        [`${a}packs IS NULL`, 'missing-packs'],
        [`${a}units_per_pack IS NULL`, 'missing-units-per-pack'],
      ];
  }
}
