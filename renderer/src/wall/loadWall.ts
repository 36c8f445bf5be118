import { singleDisplayWall, WallConfigSchema, type WallConfig } from './wallConfig';
import { issuesText } from '../../../analytics/common/vocabulary';

/** The wall this page shows: one screen (`?screen=`), or a named configuration from `walls/` (`?wall=`, default 1x1). */
export async function loadWall(params: URLSearchParams): Promise<WallConfig> {
  const screen = params.get('screen');
  if (screen) return singleDisplayWall([screen], 3600);
  const name = params.get('wall') ?? '1x1';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`bad wall name ${name}`);
  const res = await fetch(`walls/${name}.json`);
  if (!res.ok) throw new Error(`wall configuration walls/${name}.json: HTTP ${res.status}`);
  const parsed = WallConfigSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`wall configuration ${name}: ${issuesText(parsed.error)}`);
  const rotate = params.get('rotate');
  return rotate ? { ...parsed.data, rotateS: Math.max(3, Number(rotate)) } : parsed.data;
}
