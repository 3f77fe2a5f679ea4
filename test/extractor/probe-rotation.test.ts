/** Phone videos: the probe reports the displayed size (ffmpeg turns decoded frames by the rotate tag / display matrix). */
import { parseFfmpegInfo } from '../../src/extractor/probe';

const stream = (side: string): string => `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mp4':
  Duration: 00:00:03.00, start: 0.000000, bitrate: 637 kb/s
    Stream #0:0(und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p, 480x854, 634 kb/s, 25 fps, 25 tbr, 12800 tbn, 50 tbc (default)
${side}    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 125 kb/s (default)
    Metadata:
      rotate          : 90
At least one output file must be specified`;

describe('probe: rotation', () => {
  it('the 2018 static ffmpeg: rotate tag and display matrix -> the displayed size', () => {
    const info = parseFfmpegInfo(stream('    Metadata:\n      rotate          : 270\n      handler_name    : VideoHandler\n    Side data:\n      displaymatrix: rotation of 90.00 degrees\n'), 'phone.mp4');
    expect([info.width, info.height, info.rotationDeg]).toEqual([854, 480, 270]);
  });
  it('newer ffmpeg: the display matrix alone (counter-clockwise sign)', () => {
    const info = parseFfmpegInfo(stream('    Side data:\n      displaymatrix: rotation of -90.00 degrees\n'), 'phone.mp4');
    expect([info.width, info.height, info.rotationDeg]).toEqual([854, 480, 90]);
  });
  it('a rotate tag alone; a half turn keeps the size; another stream\'s tag is not the video\'s', () => {
    expect(parseFfmpegInfo(stream('    Metadata:\n      rotate          : 90\n'), 'p.mp4')).toMatchObject({ width: 854, height: 480, rotationDeg: 90 });
    expect(parseFfmpegInfo(stream('    Metadata:\n      rotate          : 180\n'), 'p.mp4')).toMatchObject({ width: 480, height: 854, rotationDeg: 180 });
    const plain = parseFfmpegInfo(stream(''), 'p.mp4');
    expect([plain.width, plain.height, plain.rotationDeg]).toEqual([480, 854, undefined]);
  });
});
