/** OSC over real UDP loopback (127.0.0.1): play notes, receive them, compare every event's content and time. */
import { InternalClock } from '../../src/bridge/clocks/internal';
import { Scheduler } from '../../src/bridge/scheduler';
import { OscSink } from '../../src/bridge/sinks/osc';
import { NotesSource, TicksSource } from '../../src/bridge/sources';
import { RealTimer } from '../../src/bridge/timer';
import { decodeOsc } from '../../src/osc/codec';
import { listenUdp } from '../../src/osc/udp';
import { note } from '../bridge/helpers';

interface Got {
  address: string;
  args: readonly unknown[];
  hostSec: number;
}

async function receiver() {
  const got: Got[] = [];
  const rx = await listenUdp({
    port: 0,
    onDatagram: (buf, hostSec) => {
      const d = decodeOsc(buf);
      if (d.ok) for (const m of d.messages) got.push({ ...m, hostSec });
    },
  });
  return { rx, got };
}

describe('OSC out over UDP loopback', () => {
  it('delivers every note, key and playhead message with the right content, on time', async () => {
    const notes = Array.from({ length: 40 }, (_, i) => note(48 + ((i * 7) % 40), 0.05 + i * 0.037, 0.05 + i * 0.037 + 0.1 + (i % 3) * 0.05, 1 + (i % 2), 30 + i * 2));
    const { rx, got } = await receiver();
    const timer = new RealTimer();
    const clock = new InternalClock({ timer, endSec: 1.8 });
    const src = new NotesSource(notes);
    const sink = new OscSink({ host: '127.0.0.1', port: rx.port }, { noteStyle: 'single', keys: true, time: true });
    const sched = new Scheduler({ timer, clock, notes: src, sources: [new TicksSource(20)], sinks: [sink] });
    await sched.start();
    clock.play();
    const t0 = clock.state().anchorHostSec;
    await new Promise<void>((r) => clock.onChange((s) => !s.running && r()));
    await sched.close();
    await new Promise((r) => setTimeout(r, 50));
    await rx.close();

    // content: the exact expected sequence of /audeo/note messages
    const expected = [...notes]
      .flatMap((n) => [
        { t: n.onsetSec, on: 1, args: [n.pitch, n.velocity, n.channel] },
        { t: n.offsetSec, on: 0, args: [n.pitch, 0, n.channel] },
      ])
      .sort((a, b) => a.t - b.t || a.on - b.on || (a.args[0] ?? 0) - (b.args[0] ?? 0));
    const noteMsgs = got.filter((g) => g.address === '/audeo/note');
    expect(noteMsgs.map((g) => g.args)).toEqual(expected.map((e) => e.args));
    // keys: every key's address at 0 once on open, before anything else (a TouchDesigner CHOP's full channel set)
    expect(got.slice(0, 88).map((g) => [g.address, g.args])).toEqual(Array.from({ length: 88 }, (_, k) => [`/audeo/key/${21 + k}`, [0]]));
    // then one address per key, 0..1
    const keyMsgs = got.slice(88).filter((g) => g.address.startsWith('/audeo/key/'));
    expect(keyMsgs).toHaveLength(80);
    for (const k of keyMsgs) {
      const v = k.args[0] as number;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    // playhead ticks at 20 Hz until the end
    const times = got.filter((g) => g.address === '/audeo/time').map((g) => g.args[0] as number);
    expect(times.length).toBeGreaterThanOrEqual(35);
    // timing: the median note arrives within 5 ms of its scheduled time; outliers come from a shared, loaded CPU
    // (bench/osc_latency.ts measures p50/p99/max properly)
    const errs = noteMsgs.map((g, k) => (g.hostSec - t0 - expected[k]!.t) * 1000);
    const sorted = errs.map(Math.abs).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`OSC loopback: ${noteMsgs.length} note messages, timing error median ${median.toFixed(2)} ms, worst ${sorted.at(-1)!.toFixed(2)} ms`);
    expect(median).toBeLessThan(5);
    expect(Math.min(...errs)).toBeGreaterThan(-1); // never early
    // the stop left nothing lit
    expect(got.filter((g) => g.address === '/audeo/transport').at(-1)?.args[0]).toBe('stop');
  });
});
