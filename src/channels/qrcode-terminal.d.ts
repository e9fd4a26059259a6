/** qrcode-terminal 0.12 ships no types; only what the WeChat channel uses. */
declare module 'qrcode-terminal' {
  interface QrcodeTerminal {
    generate(input: string, opts: { small?: boolean }, cb: (qr: string) => void): void;
    generate(input: string, cb: (qr: string) => void): void;
  }
  const qrcode: QrcodeTerminal;
  export default qrcode;
}
