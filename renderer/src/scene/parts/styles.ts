// Text styles of the scene's labels (atlas pixels; the quad's world height sets the printed size).
import type { LabelStyle } from '../label-atlas'

/** a white printed asset tag on a bezel */
export const STICKER: LabelStyle = { px: 44, fg: '#0d1013', bg: '#eef1f4', pad: 8 }
/** a model name silk-screened on a bezel */
export const SILK: LabelStyle = { px: 30, weight: 'normal', fg: '#c3cad2', pad: 4 }
export const SILK_DARK: LabelStyle = { px: 30, weight: 'normal', fg: '#3a3d42', pad: 4 }
/** the sign on top of a rack */
export const SIGN: LabelStyle = { px: 64, fg: '#f4f7fa', bg: '#1d3550', pad: 14 }
/** a site name painted on the floor */
export const FLOOR: LabelStyle = { px: 96, fg: '#8fb3d6', pad: 10 }
export const FLOOR_SMALL: LabelStyle = { px: 56, weight: 'normal', fg: '#6d8298', pad: 8 }
/** PDU side letter and id */
export const PDU_TAG: LabelStyle = { px: 40, fg: '#0d1013', bg: '#ffd34d', pad: 6 }
