// RiskImport: turns health-insurance claim XML (Decision 130/QĐ-BYT and 4210-era files) into
// canonical records. Work in progress in this module; see README.
import RiskCore
