// Every case of the suite, in a stable order.
import type { Case } from './dsl.ts';
import { copyupCases } from './cases/copyup.ts';
import { depthCases } from './cases/depth.ts';
import { enospcCases } from './cases/enospc.ts';
import { errorCases } from './cases/errors.ts';
import { renameat2Cases } from './cases/renameat2.ts';
import { linkCases } from './cases/link.ts';
import { noCopyupCases } from './cases/no-copyup.ts';
import { permissionCases } from './cases/permissions.ts';
import { persistCases } from './cases/persist.ts';
import { dirLinkCountCases, fallthruCases, readdirCases } from './cases/readdir.ts';
import { removeCases } from './cases/remove.ts';
import { renameCases } from './cases/rename.ts';
import { roFdCases } from './cases/ro-fd.ts';
import { whatHappensCases } from './cases/what-happens.ts';
import { mmapCases } from './cases/mmap.ts';
import { lockCases } from './cases/locks.ts';
import { dataCases } from './cases/data.ts';
import { execCases } from './cases/exec.ts';
import { secattrCases } from './cases/secattr.ts';
import { fsinfoCases } from './cases/fsinfo.ts';
import { heldCases } from './cases/held.ts';
import { timesCases } from './cases/times.ts';
import { namemaxCases } from './cases/namemax.ts';
import { deeperCases } from './cases/deeper.ts';
import { foundCases } from './cases/found.ts';
import { deviceCases, fifoCases } from './cases/devices.ts';

export function allCases(): Case[] {
  return [
    ...whatHappensCases,
    ...copyupCases,
    ...noCopyupCases,
    ...roFdCases,
    ...renameCases,
    ...removeCases,
    ...readdirCases,
    ...dirLinkCountCases,
    ...fallthruCases,
    ...linkCases,
    ...permissionCases,
    ...persistCases,
    ...enospcCases,
    ...errorCases,
    ...renameat2Cases,
    ...depthCases,
    ...mmapCases,
    ...lockCases,
    ...dataCases,
    ...execCases,
    ...secattrCases,
    ...fsinfoCases,
    ...heldCases,
    ...timesCases,
    ...namemaxCases,
    ...deeperCases,
    ...deviceCases,
    ...fifoCases,
    ...foundCases,
  ];
}
