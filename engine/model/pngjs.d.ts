// The part of pngjs's API the engine uses (pngjs ships no type declarations).
declare module 'pngjs' {
  export const PNG: {
    sync: {
      read(buffer: Buffer, options?: { skipRescale?: boolean }): { width: number; height: number; data: Buffer };
      write(png: { width: number; height: number; data: Buffer | Uint8Array }, options?: { colorType?: number; inputColorType?: number }): Buffer;
    };
  };
}
