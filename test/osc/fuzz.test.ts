/** Malformed OSC packets (fuzzed, and over real UDP) never crash OSC In; good ones still work afterwards. */
import * as dgram from 'node:dgram';
import fc from 'fast-check';
import { decodeOsc, encodeOsc } from '../../src/osc/codec';
import { ControlServer } from '../../src/osc/control';
import { parseControl, type ControlCommand } from '../../src/osc/schema';

describe('OSC In robustness', () => {
  it('decodeOsc never throws on random bytes or mutated valid packets', () => {
    const valid = encodeOsc({ address: '/audeo/transport/locate', args: [{ type: 'f', value: 1.5 }] });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }).map((muts) => {
            const b = Uint8Array.from(valid);
            for (const [i, v] of muts) b[i] = v;
            return b;
          }),
          fc.uint8Array({ maxLength: 120 }).map((tail) => Uint8Array.from([...Buffer.from('#bundle\0'), ...tail])),
        ),
        (bytes) => {
          const r = decodeOsc(bytes);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('parseControl rejects wrong types, NaN and out-of-range values with a reason', () => {
    expect(parseControl('/audeo/transport/locate', [12.5])).toEqual({ ok: true, command: { kind: 'locate', positionSec: 12.5 } });
    expect(parseControl('/audeo/transport/rate', [0]).ok).toBe(false);
    expect(parseControl('/audeo/transport/locate', ['x']).ok).toBe(false);
    expect(parseControl('/audeo/transport/locate', [NaN]).ok).toBe(false);
    expect(parseControl('/audeo/threshold', [1.5]).ok).toBe(false);
    expect(parseControl('/other/thing', []).ok).toBe(false);
    fc.assert(
      fc.property(fc.string(), fc.array(fc.anything(), { maxLength: 4 }), (addr, args) => {
        const r = parseControl(addr, args);
        if (r.ok) expect(addr.startsWith('/audeo/')).toBe(true);
      }),
    );
  });

  it('rejections: one report a second, each saying how many were suppressed; the rest counted on close', async () => {
    const warnings: string[] = [];
    const srv = new ControlServer({ port: 0, onCommand: () => undefined, onWarning: (w) => warnings.push(w) });
    const bad = encodeOsc({ address: '/audeo/nope', args: [] });
    for (let k = 0; k < 13; k++) srv.handle(bad, 10 + k * 0.05); // 10.0 .. 10.6: one report, 12 held back
    srv.handle(bad, 11.2); // the next second: reported with the count
    srv.handle(bad, 11.3);
    srv.handle(bad, 11.4);
    await srv.close();
    expect(warnings).toEqual([
      'osc-in: ignored: unknown address /audeo/nope',
      'osc-in: ignored: unknown address /audeo/nope (12 more suppressed since the last report)',
      'osc-in: 2 more ignored messages suppressed',
    ]);
    expect(srv.stats.rejected).toBe(16);
  });

  it('a control server on UDP loopback survives garbage and still obeys', async () => {
    const cmds: ControlCommand[] = [];
    const warnings: string[] = [];
    const srv = new ControlServer({ port: 0, onCommand: (c) => cmds.push(c), onWarning: (w) => warnings.push(w) });
    await srv.open();
    const tx = dgram.createSocket('udp4');
    const send = (b: Uint8Array) => new Promise<void>((r) => tx.send(b, srv.port, '127.0.0.1', () => r()));
    const rnd = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 300, seed: 42 });
    for (const [k, b] of rnd.entries()) {
      await send(b);
      if (k % 16 === 15) await new Promise((r) => setTimeout(r, 2)); // let the receiver drain its socket buffer
    }
    await send(encodeOsc({ address: '/audeo/transport/locate', args: [{ type: 'f', value: 2.5 }] }));
    await send(encodeOsc({ address: '/audeo/transport/play', args: [] }));
    await send(encodeOsc({ address: '/audeo/transport/rate', args: [{ type: 's', value: 'fast' }] }));
    await new Promise((r) => setTimeout(r, 100));
    tx.close();
    await srv.close();
    expect(cmds).toEqual([{ kind: 'locate', positionSec: 2.5 }, { kind: 'play' }]);
    expect(srv.stats.packets).toBe(303);
    expect(srv.stats.rejected).toBeGreaterThanOrEqual(290);
    expect(warnings.length).toBeGreaterThan(0);
  });
});
