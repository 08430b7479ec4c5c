"""Demo seeds and needs on the demo organisations: 30 seeds and 20 needs in every field, most active,
some confidential (coordinators only) or shown to named organisations, some awaiting screening, one sent back with
a question and one declined, a few registered by the coordinator from the demo's company visits.

The texts are lines of our own development data set (`matching-dev`), so the recommender has real Japanese
prose to work on. Everything goes through the entry services, as if the firms and the coordinator had typed it.
"""

from dataclasses import dataclass

from django.db import transaction

from events.models import Visit
from matching.models import NeedTiming, PatentStatus, Seed, Stage, Visibility
from matching.models import TechField as F
from matching.services.entries import entries_screen, need_create, seed_create
from members.demo import DEMO_LOGINS, MEMBER_FIRM_NAME
from members.models import Organization, Role, User
from members.models import OrganizationKind as K

SEEDS = [
    (
        "光造形3Dプリンター用の高強度歯科レジン",
        "光造形方式の３Ｄプリンターで使える歯科用の樹脂材料です。曲げ強さを当社従来品の１．５倍に高め、仮歯や義歯床の造形に対応します。歯科医院や技工所での院内製作に使われています。",
        F.MATERIALS_CHEMISTRY,
        K.FIRM,
    ),
    (
        "重さで個数を数える重量センサー付き棚",
        "棚板に組み込んだ重量センサーで、載っている部品や消耗品の個数を重さから自動で算出し、在庫数を常時クラウドに送ります。残りが少なくなると発注の通知も出せます。製造業の資材置き場や病院の物品庫で使われています。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "大気圧プラズマによる樹脂表面の改質処理",
        "大気圧のプラズマを照射して樹脂表面の濡れ性を高め、塗装・印刷・接着の密着性を向上させる処理装置です。真空装置が不要で、生産ラインに組み込みやすい小型ヘッドを用意しています。医療用チューブや自動車部品の前処理に使われています。",
        F.MATERIALS_CHEMISTRY,
        K.FIRM,
    ),
    (
        "波長を制御した遠赤外線面状ヒーター",
        "放射する光の波長を水分がよく吸収する帯域に合わせた薄型の面状ヒーターです。対象物の内部まで効率よく熱を伝えるため、熱風式に比べて加熱時間を約半分に短縮できます。塗装の乾燥工程や半導体の製造装置に使われています。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "電子ビーム積層造形によるチタン合金部品",
        "電子ビームで金属粉末を溶かして積み重ねる３Ｄ積層造形により、チタン合金の複雑な形状の部品をつくる技術です。人工関節などの医療用インプラントや航空機部品向けに開発しました。当社中央研究所の関連特許について、ライセンスを検討する企業を募集しています。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "たたいた音から良否を判定するAIソフト",
        "製品をたたいたときの音をマイクで拾い、AIで分類して内部の割れや接着不良を判定するソフトウェアです。熟練検査員の判断を学習させることで、判定のばらつきをなくします。瓦や鋳物、タイルの検査で使われています。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "音声指示によるピッキング作業の効率化",
        "ヘッドセットから聞こえる音声の指示に従って商品を取り出すことで、両手と目を自由にして作業できるピッキングシステムです。誤出荷を約８割減らした実績があります。通販や卸売業の物流倉庫で使われています。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "高い圧力で処理する食品の非加熱加工",
        "食品に数百MPaの高い圧力をかけ、加熱せずに殺菌したり、肉や野菜の組織を軟化させたりする加工を受託しています。風味や色の変化が少ないのが特長です。ジュースやペットフードの加工に使われています。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "トルク管理付きの自動ねじ締めユニット",
        "ねじの供給から締付けまでを自動で行い、締付けトルクと回転角を１本ごとに記録するユニットです。締め忘れや締めすぎを防ぎ、組立ラインの品質記録に使えます。家電や自動車部品の組立工場に納入しています。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "近赤外分光とAIによる原料成分の即時推定",
        "試料に近赤外光を当てて得たスペクトルを機械学習で解析し、成分の含有量を非破壊で数秒のうちに推定します。前処理が不要で、現場に持ち込める小型装置です。穀物の水分・タンパク質の測定や飼料の受入検査で実績があります。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "擦り傷が自然に消える自己修復ハードコート",
        "弾力のある樹脂の網目構造により、表面についた細かな擦り傷が室温で数分から数時間のうちに元に戻るハードコート材です。鉛筆硬度Hと耐擦傷性を両立し、透明性も保ちます。スマートフォンケースや自動車の内装パネルに使われています。",
        F.MATERIALS_CHEMISTRY,
        K.FIRM,
    ),
    (
        "刃先に直接噴射する高圧クーラント装置",
        "7MPaの高圧で切削油剤を工具の刃先に直接吹き付け、切りくずの排出と刃先の冷却を同時に行う装置です。既存のマシニングセンタに後付けでき、難削材の加工で工具の摩耗を抑えます。航空機部品の加工工場で使われています。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "ハンディ型ファイバーレーザー溶接の導入支援",
        "手持ち式のファイバーレーザー溶接機を使い、板厚0.5～3mmのステンレスや鉄を低ひずみで接合します。TIG溶接に比べて熱の影響を受ける範囲が狭く、ひずみ取りや焼け取りの工程をほぼなくせます。流し台や建築金物のメーカーへの導入支援実績があります。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "セルロースナノファイバーのガスバリア膜",
        "木材から取り出した直径数nmのセルロースナノファイバーで、酸素を通しにくい透明な膜をつくる技術です。紙やフィルムに重ねて使うことを想定しています。特許取得済、共同研究可・ライセンス可。",
        F.MATERIALS_CHEMISTRY,
        K.UNIVERSITY,
    ),
    (
        "AI制御による組合せ計量機の高速化",
        "複数の計量ホッパーの組合せをAIで最適化し、菓子や冷凍食品の計量速度を従来の１．３倍に高めた組合せ計量機です。計量精度を保ちながら、袋詰めの過量充填を減らせます。食品工場の包装ラインに導入されています。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "歯科インプラント表面の骨結合促進処理",
        "チタン製の歯科インプラントの表面にナノレベルの凹凸とカルシウムを含む層をつくり、骨との結合を早める処理技術です。治療期間の短縮が期待できます。特許取得済、共同研究可。",
        F.BIO_MEDICAL,
        K.UNIVERSITY,
    ),
    (
        "道路トンネル照明のLED化と調光制御",
        "道路トンネルの照明を高効率のLED器具に更新し、外の明るさや交通量に応じて明るさを自動で調整します。電力使用量を約６割削減し、ランプ交換の手間も減らせます。自治体や高速道路会社の工事で実績があります。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "紙に塗るだけの水系バリアコート剤",
        "紙の表面に塗工するだけで、水蒸気と酸素の透過を大きく抑える水系のコーティング剤です。包材のプラスチック使用量を約９割削減でき、使用後は古紙として再生できます。当社研究所で開発した塗工技術で、ライセンスと共同開発に応じます。",
        F.MATERIALS_CHEMISTRY,
        K.FIRM,
    ),
    (
        "低落差で発電できる開放型らせん水車",
        "落差０．５～３ｍの小さな流れでも発電できる開放型のらせん水車です。ごみが詰まりにくく、水路を大きく改修せずに設置できます。農業用水路や工場の放流路で数kW規模の発電実績があります。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "CO2を吸収して固まるコンクリート材料",
        "製造時にCO2を吸収・固定して硬化するコンクリート材料を開発しました。セメントの使用量を減らし、製造に伴うCO2排出量を実質ゼロ以下にできます。特許出願済、建設会社との共同研究可。",
        F.MATERIALS_CHEMISTRY,
        K.UNIVERSITY,
    ),
    (
        "画面に触れずに操作できる空中ジェスチャー入力",
        "赤外線センサーで手の位置と動きを検出し、画面に触れずに機器を操作できる入力技術です。衛生面から接触を避けたい厨房や医療の現場での利用を想定しています。特許出願済、共同研究可。",
        F.IT_ELECTRONICS,
        K.UNIVERSITY,
    ),
    (
        "総菜の盛付けを自動化する双腕ロボット",
        "人と同じ作業台で働ける双腕型のロボットが、弁当や総菜の盛付けを行います。トングでつかむ量を画像で確かめながら調整し、１時間に約６００食を処理します。総菜工場や弁当工場で導入が進んでいます。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "AIによるデマンド予測と設備の自動抑制",
        "電力使用量を30分ごとに予測し、契約の上限を超えそうなときに空調や冷凍機の運転を自動で一時的に調整します。製品温度を管理範囲に保ちながら、最大需要電力を約１５％下げた事例があります。当社研究所の予測技術で、販売・施工パートナーを募集しています。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "通気性と柔らかさを両立した多孔質シリコーンゲル",
        "微細な孔がつながった構造のシリコーンゲルを開発し、柔らかさと透湿性を両立させました。皮膚に長時間触れても湿気がこもりにくく、医療用パッドやクッション材への応用を検討しています。特許出願済、共同研究可。",
        F.BIO_MEDICAL,
        K.UNIVERSITY,
    ),
    (
        "細菌の働きで亀裂をふさぐ自己治癒コンクリート",
        "コンクリートに休眠状態の細菌と栄養分を混ぜておき、亀裂から水が入ると細菌が活動して炭酸カルシウムをつくり、幅０．５ｍｍ程度までの亀裂を自然にふさぎます。既設の構造物に塗って使える補修材タイプも開発しました。特許取得済、共同研究可。",
        F.BIO_MEDICAL,
        K.UNIVERSITY,
    ),
    (
        "いちごを傷めない宙づり型の輸送パック",
        "いちごの果実を底に触れさせず、へたの部分で支えて宙づりにする構造の輸送用パックです。輸送中の振動による傷みや押し跡を防ぎ、完熟で収穫した果実も遠くへ出荷できます。高級いちごの贈答用に使われています。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "水を使わない太陽光パネル清掃ロボット",
        "パネルの上を自走しながら回転ブラシで砂やほこりを払い落とす、水を使わない清掃ロボットです。夜間に自動で運転でき、人が高所に上がる必要がありません。メガソーラーや工場屋根での導入実績があります。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "炭化水素系溶剤による真空脱脂洗浄装置",
        "減圧した槽の中で溶剤の蒸気洗浄と乾燥を行い、止まり穴や細い管の内部まで油分を取り除く洗浄装置です。溶剤は蒸留して再生しながら繰り返し使え、密閉構造で臭気や引火の危険を抑えています。自動車部品や精密部品のメーカーで稼働中です。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "厚さ0.5mmの薄型圧力分布センサシート",
        "柔らかいシートに多数の感圧点を並べ、人や物が乗ったときの圧力の分布をリアルタイムで計測するセンサです。マットレスや自動車シートの評価、工場での荷重の確認に使われています。用途に合わせて大きさや感度を変えられます。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "アメリカミズアブ幼虫による食品残さの飼料化",
        "食品の残さをアメリカミズアブの幼虫に食べさせ、約１週間で重量を大幅に減らすとともに、育った幼虫を魚や鶏の飼料として利用する技術です。水分の多い残さでも処理できます。特許出願済、実証場所を提供いただける企業との共同研究可。",
        F.FOOD_AGRICULTURE,
        K.UNIVERSITY,
    ),
]

NEEDS = [
    (
        "目で見る検査で見落としが出る",
        "小さな金属部品の表面の傷やへこみを、パートさん４人が一日中目で見て確かめている。夕方になると疲れて見落としが出て、納入先から指摘を受けることがある。人によって合格・不合格の判断がばらつくのも悩みだ。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "堆肥づくりのにおいで近所から苦情が来る",
        "牛ふんともみ殻で堆肥を作って販売しているが、周りに住宅が増え、においの苦情が年々増えている。特に切り返しの日はひどく、このままでは続けられなくなる。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "髪の毛や虫が入ってクレームになる",
        "総菜工場で、まれに髪の毛や小さな虫、ビニール片が製品に混ざり、お客様から苦情が来る。金属は検出機で見つけられるが、それ以外の異物は人の目に頼っている。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "切ったりんごの色が変わって返品される",
        "学校給食やコンビニ向けにカットフルーツを作っているが、りんごや梨は切り口がすぐ茶色くなり、見た目で返品されることがある。添加物は表示の関係でできるだけ使いたくない。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "樹脂の操作パネルがすぐ白っぽくなる",
        "家電の操作パネルを樹脂で作っているが、使っているうちに表面にこすれた跡がついて白っぽくなる、とお客様から言われる。ガラスに変えると重くなり、割れる心配もある。",
        F.MATERIALS_CHEMISTRY,
        K.FIRM,
    ),
    (
        "入れ歯づくりをベテランの手仕事に頼らずに済ませたい",
        "歯科技工所を経営しているが、ベテランの技工士が次々に引退し、若手が育つまでに時間がかかる。義歯は型取りから仕上げまでほぼ手作業で、注文が多い時期は納期を守れない。",
        F.BIO_MEDICAL,
        K.FIRM,
    ),
    (
        "干し芋を乾かすのに日数がかかり色も悪い",
        "地元産のさつまいもを蒸して干し芋にしている。天日と扇風機で乾かしているが、天気に左右されて日数がかかり、表面だけ固くなったり黒ずんだりする。仕上がりをそろえながら短い時間で乾かしたい。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "古い機械がどれだけ動いているか分からない",
        "工場には３０年以上前の旋盤やプレスが多く、機械からデータを取り出す仕組みがない。どの機械がどれだけ動いているのか分からないため、設備投資の判断ができない。大がかりな改造はせずに実態をつかみたい。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "点在する田んぼの水の見回りが大変",
        "借りる田んぼが増えて８０枚になり、あちこちに散らばった田んぼを朝夕に軽トラで回って水の量を確かめ、水口を開け閉めしている。見回りだけで一日の大半がつぶれる。",
        F.FOOD_AGRICULTURE,
        K.FIRM,
    ),
    (
        "曲がりの多い配管の内側を外さずに調べたい",
        "当社の化学プラントの配管は曲がりや分岐が多く、内側の腐食や減肉がどこまで進んでいるかを確かめるには配管を切り離すしかない。定期修理の期間を短くするため、外さずに中の状態をつかめる技術と、調査を任せられる協力会社を探している。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "ダイカスト型の手入れでラインが止まる",
        "アルミダイカストで自動車部品を作っているが、型の表面にアルミがこびりついて、数千ショットごとにラインを止めて磨き直している。型の手入れの回数を減らして稼働率を上げたい。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "手袋をしたまま画面を操作したい",
        "食品工場向けの計量機を製造している。現場の作業者はゴム手袋をはめているため画面に触れても反応せず、いちいち手袋を外したりペンを使ったりしている。水や油で画面がぬれても誤作動しないものがよい。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "チタン部品を削る刃物がすぐだめになる",
        "人工関節などの医療用チタン部品を受託で削っているが、刃物の減りが早く、１日に何本も取り替えている。工具代がかさむうえ、交換のたびに寸法を合わせ直す手間もかかる。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "捨てているお湯と排気の熱を活かしたい",
        "染色工場で、80℃前後のお湯と乾燥機の排気を毎日大量に捨てている。ボイラーの燃料代が上がっており、捨てている熱を工場の中で何かに使い回せないかと考えている。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "運転中の揺れでボルトがゆるむ",
        "当社の粉砕機は運転中の揺れが大きく、据え付け部分のボルトがゆるんで、お客様に定期的に締め直してもらっている。締め直しを忘れて部品が外れたこともあり、根本的な対策がほしい。",
        F.MANUFACTURING,
        K.FIRM,
    ),
    (
        "月末の棚卸しに丸一日かかる",
        "工具や消耗品の卸売をしており、倉庫には数千種類の小物が並んでいる。月末の棚卸しは全員で数えて丸一日かかり、それでも帳簿と数が合わないことが多い。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "夏の電気の基本料金を下げたい",
        "冷凍食品の工場を経営している。夏の午後に冷凍機やほかの機械が一斉に動く時間帯があり、その30分の使用量で１年間の基本料金が決まってしまう。生産量は落とさずに、この山を抑えたい。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "屋外のセンサーの電池交換をなくしたい",
        "橋や斜面の見守りのために無線のセンサーを数百か所に設置しているが、電池が１年ほどで切れ、交換のたびに作業員が高い所や山奥まで出向いている。交換の手間とコストをなくす方法と、一緒に取り組める企業を探している。",
        F.IT_ELECTRONICS,
        K.FIRM,
    ),
    (
        "毎日出る野菜くずの処分費を減らしたい",
        "漬物とカット野菜を作っており、皮や芯などの野菜くずが毎日２トン出る。産廃として業者に引き取ってもらっているが、処分費が上がり続けている。水分が多く、燃やすのにも向かない。",
        F.ENVIRONMENT_ENERGY,
        K.FIRM,
    ),
    (
        "電池ケースを鉄から軽い材料に置き換えたい",
        "電動車の開発で、電池を収める箱を鉄から別の材料に切り替えて重さを減らしたいと考えている。ただし万一の発火時に炎が外へ出ないこと、量産車の生産スピードに合うことが条件となる。一緒に開発できる材料・加工メーカーを募集する。",
        F.MANUFACTURING,
        K.FIRM,
    ),
]

STAGES = [Stage.PRODUCT, Stage.PROTOTYPE, Stage.RESEARCH, Stage.PRODUCT, Stage.IDEA]
PATENTS = [PatentStatus.GRANTED, PatentStatus.FILED, PatentStatus.NOT_FILED]
TIMINGS = [NeedTiming.SOON, NeedTiming.WITHIN_YEAR, NeedTiming.WITHIN_THREE_YEARS, NeedTiming.UNDECIDED]


@dataclass(frozen=True)
class EntriesDemoResult:
    seeds: int
    needs: int


def entries_demo_present() -> bool:
    """True once any seed exists: the loader never writes into a database already in use."""
    return Seed.objects.exists()


def _user(role: str) -> User:
    username = next(login.username for login in DEMO_LOGINS if login.role == role)
    return User.objects.get(username=username)


def _visibility(index: int) -> str:
    # Every seventh entry is confidential, every eleventh shown to named organisations only.
    if index % 7 == 3:
        return Visibility.COORDINATORS
    if index % 11 == 5:
        return Visibility.NAMED
    return Visibility.MEMBERS


@transaction.atomic
def load_entries() -> EntriesDemoResult:
    """Loads the demo seeds and needs (the member demo must be loaded; the events demo is used if present)."""
    coordinator = _user(Role.COORDINATOR)
    member = _user(Role.MEMBER)
    member_firm = Organization.objects.get(name=MEMBER_FIRM_NAME)
    owners = {
        kind: list(Organization.objects.filter(kind=kind).exclude(pk=member_firm.pk).order_by("pk")[:40])
        for kind in (K.FIRM, K.UNIVERSITY)
    }
    named = [o for o in owners[K.FIRM][:3] if o.pk != member_firm.pk] or [member_firm]
    visits = list(Visit.objects.filter(organization__kind=K.FIRM).select_related("organization").order_by("pk")[:3])
    to_screen = []
    seeds = []
    for index, (title, description, field, kind) in enumerate(SEEDS):
        mine = index in (0, 9)  # the demo member firm's own seeds
        owner = member_firm if mine else owners[kind][index % len(owners[kind])]
        waiting = mine or index % 6 == 4
        data = {
            "title": title,
            "description": description,
            "field": field,
            "stage": STAGES[index % len(STAGES)],
            "visibility": _visibility(index),
            "patent_status": PATENTS[index % len(PATENTS)],
            "offers_license": index % 3 == 0,
            "offers_joint_research": kind == K.UNIVERSITY or index % 4 == 1,
            "offers_supply": kind == K.FIRM and index % 2 == 0,
        }
        audience = named if data["visibility"] == Visibility.NAMED else []
        if mine:
            seed = seed_create(actor=member, owner=None, data=data, audience=audience)
        else:
            seed = seed_create(actor=coordinator, owner=owner, data=data, audience=audience, accept=not waiting)
        seeds.append(seed)
        if index == 9:
            to_screen.append((seed, "question", "特許の出願番号と、量産時の供給能力の目安を教えてください。"))
        if index == 16:
            to_screen.append((seed, "decline", "会の対象分野外の技術のため、今回は見送ります。"))
    needs = []
    for index, (title, description, field, _kind) in enumerate(NEEDS):
        visit = visits[index] if index < len(visits) else None
        mine = index in (5, 8)
        owner = (
            visit.organization if visit else member_firm if mine else owners[K.FIRM][(index * 3) % len(owners[K.FIRM])]
        )
        data = {
            "title": title,
            "description": description,
            "field": field,
            "stage": Stage.IDEA if index % 2 else Stage.RESEARCH,
            "visibility": _visibility(index + 1),
            "timing": TIMINGS[index % len(TIMINGS)],
            "budget_min": 1_000_000 if index % 3 == 0 else None,
            "budget_max": (index % 5 + 2) * 1_000_000 if index % 3 != 2 else None,
        }
        if visit:
            data["visit"] = visit
        audience = named if data["visibility"] == Visibility.NAMED else []
        if mine:
            needs.append(need_create(actor=member, owner=None, data=data, audience=audience))
        else:
            waiting = index % 5 == 3
            needs.append(need_create(actor=coordinator, owner=owner, data=data, audience=audience, accept=not waiting))
    entries_screen(actor=coordinator, decisions=to_screen)
    return EntriesDemoResult(seeds=len(seeds), needs=len(needs))
