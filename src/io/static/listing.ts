/**
 * The HTML index of a directory that has no index.html (spdyd has none and
 * would fail the request; a listing is what a static server is expected to
 * show). Only entries a request could be served are listed.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { realPathWithin } from './document-root.js';
import { escapeHtml } from './html.js';
import { encodePath } from './request-path.js';

export interface ListingEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

/**
 * The page for the directory at URL `segments`: names escaped, links
 * absolute and percent-encoded (so they work whether or not the request
 * ended in '/'), sorted by name, and a parent link except at the root.
 */
export function listingPage(segments: readonly string[], entries: readonly ListingEntry[], address: string): string {
  const title = escapeHtml(`Index of ${decodedPath(segments)}`);
  const items: string[] = [];
  if (segments.length > 0) items.push(link(encodePath(segments.slice(0, -1), true), '../'));
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    const suffix = entry.isDirectory ? '/' : '';
    items.push(link(encodePath([...segments, entry.name], entry.isDirectory), entry.name + suffix));
  }
  return (
    `<html><head><title>${title}</title></head><body><h1>${title}</h1><hr>\n<ul>\n` +
    items.map((item) => `<li>${item}</li>\n`).join('') +
    `</ul>\n<hr><address>${escapeHtml(address)}</address></body></html>\n`
  );
}

/**
 * The servable entries of the real directory `dir`: regular files and
 * directories, and symlinks to those that stay within `realRoot`. Names a
 * request could not name (a backslash) are left out.
 */
export async function readListingEntries(realRoot: string, dir: string): Promise<ListingEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const entries = await Promise.all(dirents.map((dirent) => servableEntry(realRoot, dir, dirent)));
  return entries.filter((entry): entry is ListingEntry => entry !== null);
}

async function servableEntry(realRoot: string, dir: string, dirent: Dirent): Promise<ListingEntry | null> {
  const name = dirent.name;
  if (name.includes('\\')) return null;
  if (dirent.isFile()) return { name, isDirectory: false };
  if (dirent.isDirectory()) return { name, isDirectory: true };
  if (!dirent.isSymbolicLink()) return null;
  const target = await realPathWithin(realRoot, join(dir, name));
  if (target === null) return null;
  const info = await stat(target);
  if (info.isFile()) return { name, isDirectory: false };
  if (info.isDirectory()) return { name, isDirectory: true };
  return null;
}

function decodedPath(segments: readonly string[]): string {
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}
