// Boot: pick the transport, bind the stores to it, mount the app.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { CHART_FACTORY } from './charts/chart-factory'
import { createUplotChart } from './charts/uplot-chart'
import { createClient } from './client'
import App from './components/App.vue'
import { bindStores } from './stores'
import { mountStudentBar } from './workshop/mount-student-bar'
import { mountTrainer } from './workshop/mount-trainer'
import './styles.css'

// a workshop's trainer (and observers) get the dashboard of every lab instead of one lab's window
const params = new URLSearchParams(location.search)
if (params.get('view') === 'trainer') mountTrainer(params.get('token') ?? '')
else {
  // a student of a workshop gets the exercise's strip above the lab's window
  if (params.get('lab')) mountStudentBar(params.get('token') ?? '')
  mountLab()
}

function mountLab(): void {
  const client = createClient()
  const app = createApp(App)
  app.use(createPinia())
  app.provide(CHART_FACTORY, createUplotChart)
  const unbind = bindStores(client)
  app.mount('#app')

  // dev server hot reload: drop this client's socket and listeners before the module is replaced
  if (import.meta.hot) {
    import.meta.hot.dispose(() => {
      unbind()
      client.close()
      app.unmount()
    })
  }
}
