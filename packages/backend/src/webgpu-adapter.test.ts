import { describe, expect, it } from 'vitest';
import { adapterLine, describeAdapter, softwareAdapterReason } from './webgpu-adapter.js';

describe('describeAdapter', () => {
  it('should accept a hardware adapter', () => {
    const adapter = describeAdapter({
      info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' },
      isFallbackAdapter: false,
    });
    expect(adapter.software).toBe(false);
    expect(softwareAdapterReason(adapter)).toBeUndefined();
    expect(adapterLine(adapter)).toBe('nvidia / hopper / NVIDIA H100 80GB HBM3');
  });

  it("should flag Chromium's SwiftShader adapter as software", () => {
    const adapter = describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader', description: '' } });
    expect(adapter.software).toBe(true);
    expect(softwareAdapterReason(adapter)).toMatch(
      /software rasteriser \(google \/ swiftshader \(software\)\).*allowSoftwareAdapter/,
    );
  });

  it('should flag Mesa llvmpipe (lavapipe) as software', () => {
    // What dawn.node reports with Mesa 25 lavapipe (toolchain.md §11.6).
    expect(
      describeAdapter({
        info: { vendor: 'mesa', architecture: 'software', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      }).software,
    ).toBe(true);
  });

  it('should flag any fallback adapter as software, whichever field carries the flag', () => {
    expect(describeAdapter({ info: { vendor: 'acme', architecture: 'gpu9' }, isFallbackAdapter: true }).software).toBe(
      true,
    );
    expect(describeAdapter({ info: { vendor: 'acme', architecture: 'gpu9', isFallbackAdapter: true } }).software).toBe(
      true,
    );
  });

  it('should name an adapter that reports nothing', () => {
    expect(adapterLine(describeAdapter({}))).toBe('unnamed adapter');
  });
});
