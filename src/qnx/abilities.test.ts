/** Tests of the QNX ability tables: ids per version, lookups, classes. */
import {
  abilityById,
  abilityInfo,
  isQnxVersion,
  normaliseAbilityName,
  staticAbilities,
} from './abilities';

describe('ability tables', () => {
  it('maps ids 26 and 28 to different abilities in 7.1 and 8.0', () => {
    expect(abilityById(26, '7.1')?.name).toBe('qnet');
    expect(abilityById(26, '8.0')?.name).toBe('msg_queue');
    expect(abilityById(28, '7.1')?.name).toBe('clockperiod');
    expect(abilityById(28, '8.0')?.name).toBe('dumper');
  });

  it('has qnet only in 7.x and 7.0 equal to 7.1', () => {
    expect(abilityInfo('qnet', '7.0')?.kind).toBe('static');
    expect(abilityInfo('qnet', '7.1')?.kind).toBe('static');
    expect(abilityInfo('qnet', '8.0')).toBeUndefined();
    expect(staticAbilities('7.0')).toEqual(staticAbilities('7.1'));
  });

  it('looks static names up case-insensitively and keeps dynamic names', () => {
    expect(abilityInfo('RSRCDBMGR')).toMatchObject({
      kind: 'static',
      id: 10,
      monitorName: 'RSRCDBMGR',
      ranged: false,
    });
    expect(abilityInfo('iofunc/exec')).toEqual({
      kind: 'dynamic',
      name: 'iofunc/exec',
      known: true,
    });
    expect(abilityInfo('ecm_ops.fw_ver')).toEqual({
      kind: 'dynamic',
      name: 'ecm_ops.fw_ver',
      known: false,
    });
    expect(abilityInfo('no_such_ability')).toBeUndefined();
    expect(normaliseAbilityName('IO')).toBe('io');
    expect(normaliseAbilityName('Vendor/Thing')).toBe('Vendor/Thing');
  });

  it('classifies vaddr, address and type-id abilities and defaults', () => {
    expect(abilityInfo('map_fixed')).toMatchObject({
      vaddr: true,
      defaultNonRoot: true,
      ranged: true,
    });
    expect(abilityInfo('mem_phys')).toMatchObject({
      address: true,
      domain: 'paddr',
      defaultNonRoot: false,
    });
    expect(abilityInfo('settypeid')).toMatchObject({ typeId: true, id: 60 });
    expect(abilityInfo('chroot', '7.1')).toMatchObject({ ranged: false, domain: 'none' });
    expect(abilityInfo('chroot', '8.0')).toMatchObject({ ranged: true, domain: '0, 1' });
    expect(staticAbilities('7.1')).toHaveLength(71);
    expect(staticAbilities('8.0')).toHaveLength(71);
    expect(isQnxVersion('8.0')).toBe(true);
    expect(isQnxVersion('6.6')).toBe(false);
  });
});
