// A workshop's student gets the exercise's strip above their lab's window.
import { createApp } from 'vue'
import StudentBar from './StudentBar.vue'
import { createWorkshopApi } from './workshop-api'

export function mountStudentBar(token: string): void {
  const bar = document.createElement('div')
  document.body.prepend(bar)
  createApp(StudentBar, { api: createWorkshopApi(token) }).mount(bar)
}
