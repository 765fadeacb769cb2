// Where the runtime's sessions run: ONNX Runtime's CPU provider (default), its WebGPU provider (bundled in
// onnxruntime-node's linux/win/mac binaries; any Vulkan/Metal/D3D12 adapter, incl. Mesa's lavapipe), or its
// CUDA provider (an opt-in download; see README "GPU execution"). Each device is checked once per process
// with a one-node session, so a missing provider fails at load with an error that says how to get it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { Graph } from '../onnx/graph.ts';

const DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

/** Thrown when the asked-for device cannot run here; CLIs exit 2 on it like on any input error. */
export class DeviceUnavailableError extends Error {
  constructor(
    readonly device: Device,
    reason: string,
  ) {
    super(`device '${device}' is not available: ${reason}\n${HOW_TO_GET[device]}`);
    this.name = 'DeviceUnavailableError';
  }
}

const HOW_TO_GET: Record<Device, string> = {
  cpu: 'The CPU provider ships with onnxruntime-node; reinstall it with `npm ci`.',
  webgpu:
    'WebGPU needs a GPU adapter: a GPU with a Vulkan driver (Linux), Metal (macOS) or D3D12 (Windows). Without a GPU, ' +
    "Mesa's software Vulkan (lavapipe, Debian/Ubuntu package mesa-vulkan-drivers >= 24; on Debian 12 from " +
    'bookworm-backports, see .ci/install-lavapipe) gives a slow but complete adapter. Or use --device cpu.',
  cuda:
    "onnxruntime-node's CUDA binaries are an opt-in download from NuGet (the project's .npmrc turns install scripts " +
    'off): `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false` where api.nuget.org is ' +
    'reachable; they need an NVIDIA ' +
    'driver with CUDA 12 and cuDNN 9 libraries on the library path. Or use --device webgpu (bundled) or --device cpu.',
};

/** Parses a --device value (or LoadOptions.device), naming the flag in the error. */
export function parseDevice(value: string | undefined, what = '--device'): Device {
  if (value === undefined) return 'cpu';
  if ((DEVICES as readonly string[]).includes(value)) return value as Device;
  throw new Error(`${what}: expected one of ${DEVICES.join(', ')}, got '${value}'`);
}

/** ONNX Runtime execution providers for a device (ORT itself falls back to CPU for nodes a provider lacks). */
export function executionProviders(device: Device): ort.InferenceSession.SessionOptions['executionProviders'] {
  return [device];
}

const probes = new Map<Device, Promise<void>>();

/** Resolves when `device` can run a session here; rejects with a DeviceUnavailableError otherwise. */
export function assertDeviceAvailable(device: Device): Promise<void> {
  let p = probes.get(device);
  if (!p) {
    p = probe(device);
    probes.set(device, p);
  }
  return p;
}

async function probe(device: Device): Promise<void> {
  const listed = ort.listSupportedBackends().find((b) => b.name === device);
  if (!listed)
    throw new DeviceUnavailableError(
      device,
      `this onnxruntime-node build (${process.platform}/${process.arch}) has no '${device}' provider`,
    );
  const library = device === 'cuda' && !listed.bundled ? cudaProviderLibrary() : undefined;
  if (library && !fs.existsSync(library)) throw new DeviceUnavailableError(device, `${library} is not installed`);
  const g = new Graph();
  const x = g.input('x', 'float32', [2]);
  g.output(g.op('Add', [x, x]), 'y', 'float32', [2]);
  try {
    const session = await ort.InferenceSession.create(g.serialize({ '': 21 }), {
      executionProviders: executionProviders(device),
      logSeverityLevel: 4,
    });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2), [2]) });
    await session.release();
    if ((out.y.data as Float32Array)[1] !== 4) throw new Error('a one-node test session returned a wrong result');
  } catch (e) {
    if (e instanceof DeviceUnavailableError) throw e;
    throw new DeviceUnavailableError(device, firstLine((e as Error).message, device));
  }
}

/** Where onnxruntime-node's install script puts the CUDA provider (script/install-metadata.js). */
function cudaProviderLibrary(): string {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const file = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch, file);
}

/** ORT's messages carry source paths and stack lines; keep the sentence that says what failed. */
function firstLine(message: string, device: Device): string {
  if (device === 'cuda' && /Failed to load (shared )?library/i.test(message))
    return "onnxruntime-node's CUDA provider library (libonnxruntime_providers_cuda) is not installed or cannot load its CUDA/cuDNN dependencies";
  const adapter = /Failed to get a WebGPU adapter[^\n]*/.exec(message);
  if (adapter) return adapter[0].trim();
  return message
    .split('\n')[0]
    .replace(/^\/\S+:\d+ /, '')
    .slice(0, 300);
}
