// A workshop's trainer (and observers) get the dashboard of every lab instead of one lab's window.
import { createApp } from 'vue'
import TrainerDashboard from './TrainerDashboard.vue'
import { createWorkshopApi } from './workshop-api'

export function mountTrainer(token: string): void {
  createApp(TrainerDashboard, { api: createWorkshopApi(token) }).mount('#app')
}
