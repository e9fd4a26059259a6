export declare const ROOT: string;
export declare function buildId(extra?: string[]): string;
export declare function build(opts?: { entryPoints?: Record<string, string>; outdir?: string; extraInputs?: string[] }): Promise<boolean>;
