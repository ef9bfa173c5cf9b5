import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPacket, parseIPv4, parseIPv6, type PacketSpec } from '../../src/index.js';
import { loadConfig } from '../../src/config/index.js';
import { CaptureStats, PacketInspector, detailLines, formatLine } from '../../src/inspect/index.js';

const loaded = loadConfig('test/fixtures/two-tenants.yaml');
const { table } = loaded;
const BLUE = table.indexOf('blue');
const RED = table.indexOf('red');
const insp = new PacketInspector({ table, translator: loaded.translator });

/** blue's and red's 10.0.0.x under the fixture's plan (fd00:64::/48, tenant in bits 48-63). */
const v6 = (tenant: number, host: number) => parseIPv6(`fd00:64:0:${tenant}:a:0:${host}00:0`);
const a4 = parseIPv4;

function syn4(src = '10.0.0.1', dst = '10.0.0.2'): Uint8Array {
  return buildPacket({ ip: { version: 4, src: a4(src), dst: a4(dst), ttl: 64, id: 7 }, l4: { proto: 'tcp', srcPort: 40000, dstPort: 80, flags: 0x02 } });
}
function udp6(src: Uint8Array, dst: Uint8Array, hopLimit = 64): Uint8Array {
  return buildPacket({ ip: { version: 6, src, dst, hopLimit }, l4: { proto: 'udp', srcPort: 5353, dstPort: 53 }, payload: new Uint8Array(12) });
}

test('an IPv4 packet from blue shows blue, its own addresses, the IPv6 addresses it becomes, and the verdict', () => {
  const d = insp.describe(syn4(), { tenant: BLUE });
  assert.equal(d.family, 'ipv4');
  assert.equal(d.tenant, 'blue');
  assert.deepEqual(d.src, { ip: '10.0.0.1', ipv4: '10.0.0.1', ipv6: 'fd00:64:0:1:a:0:100:0', tenant: 'blue', rule: 'prefix' });
  assert.deepEqual(d.dst, { ip: '10.0.0.2', ipv4: '10.0.0.2', ipv6: 'fd00:64:0:1:a:0:200:0', tenant: 'blue', rule: 'prefix' });
  assert.equal(d.protocol, 'tcp');
  assert.equal(d.sport, 40000);
  assert.equal(d.dport, 80);
  assert.equal(d.tcpFlags, 'S');
  assert.equal(d.mark, null);
  assert.deepEqual(d.verdict, { drop: null, emit: [{ to: 'ipv6', tenant: null, length: 60, src: 'fd00:64:0:1:a:0:100:0', dst: 'fd00:64:0:1:a:0:200:0', generated: false }] });
  assert.equal(formatLine(d), 'blue 10.0.0.1.40000 > 10.0.0.2.80 tcp [S] len 40  (fd00:64:0:1:a:0:100:0 > fd00:64:0:1:a:0:200:0)');
});

test('the same IPv4 packet from red is red: the tenant comes from where it was seen, not from the addresses', () => {
  const d = insp.describe(syn4(), { tenant: RED });
  assert.equal(d.tenant, 'red');
  assert.equal(d.src.ipv6, 'fd00:64:0:2:a:0:100:0');
});

test('an IPv4 packet of unknown tenant decodes but has no verdict, and says why', () => {
  const d = insp.describe(syn4());
  assert.equal(d.tenant, null);
  assert.equal(d.src.ipv6, null);
  assert.equal(d.verdict, null);
  assert.match(d.noVerdict!, /unknown tenant/);
});

test('an IPv6 packet names its tenant and the IPv4 addresses it carries', () => {
  const d = insp.describe(udp6(v6(2, 1), v6(2, 2)));
  assert.equal(d.tenant, 'red');
  assert.equal(d.src.ipv4, '10.0.0.1');
  assert.equal(d.dst.ipv4, '10.0.0.2');
  assert.equal(d.src.rule, 'prefix');
  assert.equal(d.verdict!.drop, null);
  assert.deepEqual(d.verdict!.emit.map((e) => [e.to, e.tenant, e.src, e.dst]), [['ipv4', 'red', '10.0.0.1', '10.0.0.2']]);
  assert.equal(formatLine(d), 'red 10.0.0.1.5353 > 10.0.0.2.53 udp len 60  (fd00:64:0:2:a:0:100:0 > fd00:64:0:2:a:0:200:0)');
});

test("a packet from red's prefix to blue's shows both tenants and the translator's drop", () => {
  const d = insp.describe(udp6(v6(2, 1), v6(1, 2)));
  assert.equal(d.src.tenant, 'red');
  assert.equal(d.dst.tenant, 'blue');
  assert.equal(d.tenant, 'blue');
  assert.notEqual(d.verdict!.drop, null);
  assert.equal(d.verdict!.emit.filter((e) => e.to === 'ipv4').length, 0, 'never delivered to blue');
  assert.match(formatLine(d), /^red>blue .* drop=64\./);
});

test('a PLAT destination shows the PLAT rule and the IPv4 address outside every tenant', () => {
  const d = insp.describe(syn4('10.0.0.1', '8.8.8.8'), { tenant: BLUE });
  assert.equal(d.dst.rule, 'plat');
  assert.equal(d.dst.tenant, null);
  assert.equal(d.dst.ipv6, '64:ff9b::808:808');
});

test('a TTL that runs out is dropped and answered: drop reason and the generated error', () => {
  const p = buildPacket({ ip: { version: 6, src: v6(1, 1), dst: v6(1, 2), hopLimit: 1 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 } });
  const d = insp.describe(p);
  assert.equal(d.verdict!.drop, '64.hop-limit-expired');
  assert.equal(d.verdict!.emit.length, 1);
  assert.equal(d.verdict!.emit[0]!.generated, true);
  assert.equal(d.verdict!.emit[0]!.to, 'ipv6');
  assert.match(formatLine(d), /drop=64\.hop-limit-expired \+icmp-error$/);
});

test('an ICMPv6 error from a router that is not ours: RFC 6791 source, and the quoted packet decoded as blue', () => {
  const inner: PacketSpec = { ip: { version: 6, src: v6(1, 2), dst: v6(1, 1), hopLimit: 1 }, l4: { proto: 'udp', srcPort: 53, dstPort: 5353 } };
  const p = buildPacket({ ip: { version: 6, src: parseIPv6('2001:db8:dead::1'), dst: v6(1, 2), hopLimit: 60 }, l4: { proto: 'icmpv6', type: 3, code: 0, inner } });
  const d = insp.describe(p);
  assert.equal(d.icmp!.name, 'time exceeded');
  assert.equal(d.tenant, 'blue');
  assert.equal(d.src.rule, 'rfc6791');
  assert.equal(d.src.ipv4, '192.0.0.1', 'the fixture has no rfc6791v4 pool: the translator address');
  assert.ok(d.inner);
  assert.equal(d.inner.tenant, 'blue');
  assert.equal(d.inner.src.ipv4, '10.0.0.2');
  assert.equal(d.inner.sport, 53);
  assert.equal(d.inner.verdict, null);
  assert.equal(d.verdict!.drop, null);
  assert.match(formatLine(d), /^blue 192\.0\.0\.1 > 10\.0\.0\.2 icmp6 time exceeded len \d+ {2}\(2001:db8:dead::1 > fd00:64:0:1:a:0:200:0\) \{10\.0\.0\.2\.53 > 10\.0\.0\.1\.5353 udp len 48\}$/);
  assert.deepEqual(detailLines(d), [
    '  src 2001:db8:dead::1 tenant=- ipv4=192.0.0.1 rule=rfc6791',
    '  dst fd00:64:0:1:a:0:200:0 tenant=blue ipv4=10.0.0.2 rule=prefix',
    '  icmp6 type=3 code=0 (time exceeded)',
    '  inner 10.0.0.2.53 > 10.0.0.1.5353 udp len 48',
    '    src fd00:64:0:1:a:0:200:0 tenant=blue ipv4=10.0.0.2 rule=prefix',
    '    dst fd00:64:0:1:a:0:100:0 tenant=blue ipv4=10.0.0.1 rule=prefix',
    '  verdict pass:',
    `    emit ipv4 tenant=blue len=${d.length - 40} 192.0.0.1 > 10.0.0.2`,
  ]);
});

test('a malformed packet is marked with the failed check; a cut one is truncated, decoded as far as present, without verdict', () => {
  const p = syn4();
  const bad = p.slice();
  bad[0] = 0x44; // IHL 4: 16 octets, below the minimum
  const m = insp.describe(bad, { tenant: BLUE });
  assert.equal(m.mark, 'malformed');
  assert.equal(m.problem, 'ipv4.bad-ihl');
  const short = p.slice();
  short[3] = 200; // Total Length past the bytes
  const s = insp.describe(short, { tenant: BLUE });
  assert.equal(s.mark, 'malformed');
  assert.equal(s.problem, 'ipv4.truncated');
  assert.equal(s.verdict!.drop !== null, true, 'the core drops it too');
  const cut = insp.describe(p.subarray(0, 24), { tenant: BLUE, cut: true });
  assert.equal(cut.mark, 'truncated');
  assert.equal(cut.sport, 40000);
  assert.equal(cut.tcpFlags, null, 'the flags octet was not captured');
  assert.equal(cut.verdict, null);
  assert.match(formatLine(cut), /\[truncated\]$/);
  for (const junk of [new Uint8Array(0), Uint8Array.of(0x60), Uint8Array.of(0x12, 0x34), new Uint8Array(39).fill(0x60)]) {
    const j = insp.describe(junk);
    assert.equal(j.mark, 'malformed', `${Buffer.from(junk).toString('hex')}`);
    assert.equal(typeof formatLine(j), 'string');
  }
});

test('without a tenant table only the well-known prefix decodes, with no tenant and no verdict', () => {
  const bare = new PacketInspector({ table: null });
  const d = bare.describe(udp6(parseIPv6('2001:db8::1'), parseIPv6('64:ff9b::808:808')));
  assert.deepEqual(d.dst, { ip: '64:ff9b::808:808', ipv4: '8.8.8.8', ipv6: '64:ff9b::808:808', tenant: null, rule: 'wkp' });
  assert.equal(d.src.ipv4, null);
  assert.equal(d.tenant, null);
  assert.equal(d.verdict, null);
  const priv = bare.describe(udp6(parseIPv6('2001:db8::1'), parseIPv6('64:ff9b::a00:1')));
  assert.equal(priv.dst.ipv4, null, 'RFC 6052 §3.1: 10.0.0.1 is not global, so not under the well-known prefix');
});

test('stats count per tenant and direction, talkers by IPv4 pair, and drops by reason and tenant', () => {
  const st = new CaptureStats({ table, translator: loaded.translator });
  const s4 = syn4();
  for (let i = 0; i < 3; i++) st.add(s4, 0, s4.length, BLUE, false);
  st.add(s4, 0, s4.length, RED, false);
  const r6 = udp6(v6(2, 1), v6(2, 2));
  st.add(r6, 0, r6.length, -1, false);
  const x = udp6(v6(2, 1), v6(1, 2));
  st.add(x, 0, x.length, -1, false);
  st.add(s4, 0, 10, BLUE, true);
  st.addNonIp();
  const rep = st.report(5);
  assert.equal(rep.packets, 6);
  assert.equal(rep.malformed, 1, 'ten octets are no IPv4 header');
  assert.equal(rep.nonIp, 1);
  assert.deepEqual(
    rep.tenants.map((t) => [t.tenant, t.direction, t.packets, t.bytes]),
    [
      ['blue', '4to6', 3, 120],
      ['blue', '6to4', 1, 60],
      ['red', '4to6', 1, 40],
      ['red', '6to4', 1, 60],
    ],
  );
  assert.deepEqual(
    rep.talkers.map((t) => [t.tenant, t.src, t.dst, t.packets]),
    [
      ['blue', '10.0.0.1', '10.0.0.2', 3],
      ['red', '10.0.0.1', '10.0.0.2', 2],
    ],
  );
  const blue = rep.talkers.filter((t) => t.tenant === 'blue');
  assert.deepEqual(blue.map((t) => t.packets), [3], "blue's 3 SYNs; the red->blue packet is in blue's row but in no tenant's talkers");
  assert.equal(rep.drops.length, 1);
  assert.equal(rep.drops[0]!.tenant, 'blue');
  assert.match(rep.drops[0]!.reason, /^64\./);
  const onlyRed = new CaptureStats({ table, translator: loaded.translator, only: RED });
  onlyRed.add(s4, 0, s4.length, BLUE, false);
  onlyRed.add(r6, 0, r6.length, -1, false);
  assert.equal(onlyRed.report().packets, 1);
});

test('stats keep a bounded number of address pairs and say how many packets fell outside', () => {
  const st = new CaptureStats({ table, translator: null, maxPairs: 4 });
  for (let i = 1; i <= 10; i++) {
    const p = syn4(`10.0.0.${i}`, '10.0.1.1');
    st.add(p, 0, p.length, BLUE, false);
  }
  const rep = st.report(100);
  assert.equal(rep.talkers.length, 4);
  assert.equal(rep.untrackedPairs, 6);
  assert.equal(rep.tenants[0]!.packets, 10);
  assert.equal(rep.verdicts, false);
});
