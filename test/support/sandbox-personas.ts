/** The bank page's personas and IBANs, restated on the test side (bank-notes.md), with resourceId = IBAN[4..25). */
export const LEA = '9999999901'
export const CLAIRE = '9999999902'
export const GEORGES = '9999999903'
export const GILLES = '9999999904'
export const MARC = 'D0999990I0'
export const TECHNCO = 'D0999993I0'

export const LEA_MAIN = { iban: 'FR7617515000920400430518020', resourceId: '175150009204004305180' }
export const LEA_SECOND = { iban: 'FR7617515000920400851811524', resourceId: '175150009204008518115' }
export const CLAIRE_PRIV = { iban: 'FR7617515900000400358074026', resourceId: '175159000004003580740' }
export const CLAIRE_PRO = { iban: 'FR7617515900000800358074006', resourceId: '175159000008003580740' }
export const GEORGES_JOINT = { iban: 'FR7617515000920400085945890', resourceId: '175150009204000859458' }
export const GILLES_MAIN = { iban: 'FR7617515000920440878790811', resourceId: '175150009204408787908' }
/** The bank's unknown account (acceptance tests). */
export const UNKNOWN_ACCOUNT = 'CPT30014684067'
